/**
 * Per-subject collections (`scope: {kind: "subject"}`, from collectEntraSubject or
 * collectOktaSubject) as folders: `mergeSubjectCollection` folds one into the tenant's full source
 * folder, giving a new full source folder that can be loaded as a snapshot (remediation's
 * `verify`); `combineSubjectCollections` makes several of one source one (a batch of event
 * refreshes, which a delta load then applies to the served snapshot). What a subject collection
 * stands for — which base lines it replaces and drops, and its ledger — is subjectCover.ts, the
 * same code the delta load applies (src/store/delta/writeDelta.ts): both give the same data.
 * Lines are matched by the identities the sources declare (`DatasetDef.record`).
 */
import { createReadStream, createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { InputError } from '../../src/model/errors.js';
import { datasetsOf } from './datasets.js';
import type { DatasetLedger } from './manifest.js';
import { recordSpec } from './records.js';
import { SubjectCover, isSubjectScope, refreshedHistory, subjectAccounts, subjectLedger, subjectName } from './subjectCover.js';

type Raw = Record<string, unknown>;

interface ManifestLike {
  format: string;
  source: string;
  tenant: string;
  collectedAt: string;
  datasets: Record<string, DatasetLedger>;
  scope?: { kind?: string; subject?: string; accounts?: unknown[] };
  refreshed?: unknown[];
  [k: string]: unknown;
}

function readManifest(dir: string): ManifestLike {
  const file = join(dir, 'manifest.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ManifestLike;
  } catch (e) {
    throw new InputError(`${file}: cannot read the manifest (${(e as Error).message})`, { file });
  }
}

async function* lines(file: string): AsyncGenerator<{ text: string; value: Raw }> {
  let stream;
  try {
    stream = createReadStream(file, { encoding: 'utf8' });
    await once(stream, 'open');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  for await (const text of rl) {
    if (!text.trim()) continue;
    yield { text, value: JSON.parse(text) as Raw };
  }
}

async function writeLines(file: string, texts: Iterable<string> | AsyncIterable<string>): Promise<number> {
  const w = createWriteStream(file, { encoding: 'utf8' });
  let count = 0;
  for await (const t of texts) {
    count++;
    if (!w.write(`${t}\n`)) await once(w, 'drain');
  }
  w.end();
  await once(w, 'finish');
  return count;
}

export interface MergeResult {
  dir: string;
  accounts: string[];
  /** Datasets marked partial because the subject collection could not read them. */
  degraded: string[];
}

/**
 * Merge the subject collection `subjectDir` (a source folder) into the base source folder
 * `baseDir`, writing a new source folder `outDir`.
 */
export async function mergeSubjectCollection(baseDir: string, subjectDir: string, outDir: string): Promise<MergeResult> {
  const base = readManifest(baseDir);
  const subj = readManifest(subjectDir);
  if (!isSubjectScope(subj.scope)) throw new InputError(`${subjectDir}/manifest.json: not a subject collection (scope.kind must be "subject")`);
  if (base.source !== subj.source || base.tenant !== subj.tenant) {
    throw new InputError(`${subjectDir}/manifest.json: subject collection of ${subj.source} ${subj.tenant} cannot be merged into ${base.source} ${base.tenant}`);
  }
  const names = datasetsOf(base.source).filter((d) => recordSpec(base.source, d));
  if (!names.length) throw new InputError(`merge: source ${base.source} has no per-subject refresh`);
  const accounts = subjectAccounts(subj.scope);
  const subject = subjectName(subj.scope);
  mkdirSync(outDir, { recursive: true });
  const out: ManifestLike = { ...base, collectedAt: subj.collectedAt, datasets: { ...base.datasets } };
  delete out.scope;
  const degraded: string[] = [];

  for (const dataset of names) {
    const spec = recordSpec(base.source, dataset)!;
    const baseLedger = base.datasets[dataset];
    const subLedger = subj.datasets[dataset];
    const read = !!subLedger && subLedger.status !== 'missing';
    const fresh: string[] = [];
    const freshKeys = new Set<string>();
    const cover = new SubjectCover(spec, read ? accounts : [], read ? subLedger : undefined);
    if (read) {
      for await (const l of lines(join(subjectDir, `${dataset}.jsonl`))) {
        fresh.push(l.text);
        const k = spec.key(l.value);
        if (k) freshKeys.add(k);
        cover.read(l.value);
      }
    }
    async function* merged(): AsyncGenerator<string> {
      if (baseLedger && baseLedger.status !== 'missing') {
        for await (const l of lines(join(baseDir, `${dataset}.jsonl`))) {
          const k = spec.key(l.value);
          if (k && freshKeys.has(k)) continue;
          if (read && cover.drops(l.value)) continue;
          yield l.text;
        }
      }
      yield* fresh;
    }
    const count = await writeLines(join(outDir, `${dataset}.jsonl`), merged());
    const { ledger, degraded: worse } = subjectLedger(dataset, baseLedger, subLedger, subject);
    if (worse) degraded.push(dataset);
    out.datasets[dataset] = ledger.status === 'missing' ? ledger : { ...ledger, count };
  }
  out.refreshed = refreshedHistory(base, { subject, accounts, at: subj.collectedAt });
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(out, null, 2)}\n`);
  return { dir: outDir, accounts, degraded };
}

const RANK = { complete: 0, partial: 1, missing: 2 } as const;

/**
 * Several subject collections of one source as one subject collection (`outDir`): the lines of
 * all of them (one per key; a later collection's wins), the accounts of all of them as its
 * scope, per dataset the least complete of their ledgers and every parent any of them read in
 * full. One collection is returned as it is.
 */
export async function combineSubjectCollections(dirs: readonly string[], outDir: string): Promise<string> {
  if (dirs.length === 1) return dirs[0];
  const manifests = dirs.map(readManifest);
  const first = manifests[0];
  for (const [i, m] of manifests.entries()) {
    if (!isSubjectScope(m.scope)) throw new InputError(`${dirs[i]}/manifest.json: not a subject collection (scope.kind must be "subject")`);
    if (m.source !== first.source || m.tenant !== first.tenant) throw new InputError(`${dirs[i]}/manifest.json: subject collections of different sources cannot be combined`);
  }
  mkdirSync(outDir, { recursive: true });
  const datasets: Record<string, DatasetLedger> = {};
  for (const dataset of datasetsOf(first.source)) {
    const spec = recordSpec(first.source, dataset);
    const kept = new Map<string, string>();
    let ledger: DatasetLedger | undefined;
    const parents = new Set<string>();
    for (const [i, dir] of dirs.entries()) {
      const l = manifests[i].datasets[dataset] ?? { status: 'missing' as const, reason: 'not in the subject collection' };
      if (!ledger || RANK[l.status] > RANK[ledger.status]) ledger = { ...l };
      else if (l.reason && ledger.status !== 'complete' && ledger.reason !== l.reason) ledger.reason = `${ledger.reason}; ${l.reason}`;
      const listed = (l as { parents?: unknown }).parents;
      if (Array.isArray(listed)) for (const p of listed) if (typeof p === 'string') parents.add(p);
      if (l.status === 'missing') continue;
      for await (const { value, text } of lines(join(dir, `${dataset}.jsonl`))) {
        const k = spec?.key(value) ?? text;
        kept.delete(k);
        kept.set(k, text);
      }
    }
    const count = await writeLines(join(outDir, `${dataset}.jsonl`), kept.values());
    const out: DatasetLedger & { parents?: string[] } = ledger!.status === 'missing' ? { ...ledger! } : { ...ledger!, count };
    delete out.parents;
    if (parents.size && out.status !== 'missing') out.parents = [...parents];
    datasets[dataset] = out;
  }
  const accounts = new Map<string, unknown>();
  for (const m of manifests) for (const a of m.scope?.accounts ?? []) accounts.set(String(typeof a === 'string' ? a : (a as Raw | null)?.id), a);
  const subjects = manifests.map((m) => subjectName(m.scope)).filter(Boolean);
  const manifest: ManifestLike = {
    ...first,
    collectedAt: manifests.map((m) => m.collectedAt).sort().at(-1)!,
    scope: { kind: 'subject', subject: subjects.join(', '), accounts: [...accounts.values()] },
    datasets,
  };
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return outDir;
}
