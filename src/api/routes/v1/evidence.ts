/**
 * `GET /v1/evidence?ref=entra/applications.jsonl:12`: the raw object behind a finding's evidence
 * — that line of the collection file the snapshot was loaded from, parsed, exactly as the API
 * returned it when collected. The file is read from the collection folder recorded in the
 * snapshot; its SHA-256 is checked against the one recorded at load, and the answer says whether
 * it matched (a collection changed or moved since the load is reported, never passed off as the
 * evidence). Collections hold no secret material, so neither does this.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../../httpError.js';
import { V1_ERRORS, errorResponses, security } from '../../schemas.js';
import { snapshotHeader } from './common.js';
import '../../types.js';
import { API_ERR } from '../../errorCatalogue.js';
import { ERR } from '../../../model/errors.js';

/** Line `line` (1-based) of a file and the SHA-256 of the whole file, in one pass. */
async function lineAndHash(path: string, line: number): Promise<{ text: string | null; sha256: string }> {
  const hash = createHash('sha256');
  const stream = createReadStream(path);
  stream.on('data', (c) => hash.update(c));
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let n = 0;
  let text: string | null = null;
  for await (const l of rl) if (++n === line) text = l;
  return { text, sha256: hash.digest('hex') };
}

export default async function evidenceRoutes(fastify: FastifyInstance): Promise<void> {
  fastify.get<{ Querystring: { ref: string; snapshot?: string } }>(
    '/v1/evidence',
    {
      config: { scope: 'read', snapshot: true },
      schema: {
        tags: ['findings'],
        summary: 'The raw collected object behind an evidence reference (file:line)',
        security,
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['ref'],
          properties: {
            ref: { type: 'string', maxLength: 300, pattern: '^[A-Za-z0-9._-]+/[A-Za-z0-9._-]+\\.jsonl?:[0-9]{1,9}$', description: 'An evidence reference of a finding: folder/file.jsonl:line.' },
            snapshot: { type: 'string', pattern: '^[0-9A-Za-z_-]{1,64}$', description: 'The snapshot the reference came from (default: the one being served).' },
          },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            properties: {
              snapshot: { type: 'string' },
              ref: { type: 'string' },
              verified: { type: 'boolean', description: 'The file still has the SHA-256 recorded when the snapshot was loaded.' },
              note: { type: 'string' },
              object: { description: 'The parsed line (any JSON value).' },
            },
            required: ['snapshot', 'ref', 'verified', 'note'],
          },
          ...V1_ERRORS,
          ...errorResponses(404, 409),
        },
      },
    },
    async (req, reply) => {
      const view = req.view!;
      if (req.query.snapshot && req.query.snapshot !== view.id) {
        throw new HttpError(API_ERR.SNAPSHOT_CHANGED, `this evidence reference is from snapshot ${req.query.snapshot}; the server now serves ${view.id} (reload the page)`);
      }
      const m = /^(([^/]+)\/[^:]+):(\d+)$/.exec(req.query.ref)!;
      const [, name, folder, lineText] = m;
      const line = Number(lineText);
      const src = view.engine.sources.find((s) => basename(s.folder) === folder);
      const recorded = view.engine.inputFiles().find((f) => f.name === name);
      if (!src || (!recorded && view.engine.inputFiles().length)) throw new HttpError(ERR.NOT_FOUND, `${name} is not an input of snapshot ${view.id}`);
      const path = join(src.folder, name.slice(folder.length + 1));
      if (!existsSync(path)) throw new HttpError(ERR.NOT_FOUND, `${name} is no longer where it was loaded from (the collection was moved or deleted after the load)`);
      const { text, sha256 } = await lineAndHash(path, line);
      if (text === null) throw new HttpError(ERR.NOT_FOUND, `${name} has no line ${line}`);
      let object: unknown;
      try {
        object = JSON.parse(text);
      } catch {
        throw new HttpError(API_ERR.EVIDENCE_CHANGED, `${name}:${line} is not JSON any more (the file changed after the load)`);
      }
      const ok = recorded ? recorded.sha256 === sha256 : false;
      snapshotHeader(reply, view);
      return {
        snapshot: view.id,
        ref: req.query.ref,
        verified: ok,
        note: ok
          ? `line ${line} of ${name}, unchanged since the load (SHA-256 ${sha256.slice(0, 16)}…)`
          : recorded
            ? `line ${line} of ${name} — the file CHANGED since the load (SHA-256 differs): this may not be what the finding rests on`
            : `line ${line} of ${name} — this engine keeps no file hashes, so the file could not be checked against the load`,
        object,
      };
    },
  );
}
