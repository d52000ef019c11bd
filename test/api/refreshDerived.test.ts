/**
 * An event refresh on a store that holds sources deriving at load time: a Graph change
 * notification about an Entra user whose GitHub account the IdP asserts is them (SAML NameID)
 * refreshes that user as a delta snapshot, and the GitHub account borrows the new departure —
 * the served findings are those a full load of the same data gives.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiDbPath } from '../../src/api/ApiDb.js';
import type { RefreshRequest } from '../../src/api/events/SubjectRefresher.js';
import { loadSnapshot } from '../../queries/loadSnapshot.js';
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { Store } from '../../src/store/Store.js';
import { readStoredFindings } from '../../src/store/storedFindings.js';
import { CLIENT_STATE, FolderRefresher, cleanupTemps, cliLoad, createKey, editJsonl, makeApp, makeWritable, setCollectedAt, tempDir, waitFor } from './helpers.js';

const TENANT = '095a915d-6b64-537f-8483-10ff0a87f370';
const CAROL = '60f54213-0932-5b57-9f7f-d8362c91372d';

const disableCarol = (entraDir: string) => editJsonl(join(entraDir, 'users.jsonl'), (u) => (u.id === CAROL ? { ...u, accountEnabled: false } : u));

function findingsOf(store: Store, id: string): string[] {
  const db = new SnapshotDb(store.pathOf(id));
  try {
    return readStoredFindings(db)
      .findings.map((f) => `${f.rule} ${f.subject.source}:${f.subject.id} ${f.via?.id ?? ''} ${f.status} ${f.severity}`)
      .sort();
  } finally {
    db.close();
  }
}

let dir: string;
let col: string;
let app: FastifyInstance;

beforeAll(async () => {
  col = join(tempDir(), 'github-saml-enforced');
  cpSync(join(import.meta.dirname, '..', 'scenarios', 'github-saml-enforced'), col, { recursive: true, filter: (f) => !/(README\.md|expected\.json)$/.test(f) });
  makeWritable(col);
  dir = tempDir();
  await cliLoad(dir, col);
  const refresher = new FolderRefresher((entraDir, req: RefreshRequest) => {
    if (req.source === 'entra' && req.subject === CAROL) disableCarol(entraDir);
    setCollectedAt(entraDir, '2026-11-01T00:00:00Z');
  });
  ({ app } = await makeApp(dir, { refresher }));
}, 120_000);

afterAll(async () => {
  await app?.close();
  cleanupTemps();
});

describe('an event refresh over GitHub', () => {
  it("refreshes an Entra user as a delta snapshot; the GitHub account linked to them borrows the departure, as in a full load", async () => {
    const store = new Store(dir);
    const before = store.latestId()!;
    expect(findingsOf(store, before).filter((f) => f.includes('github:203'))).toEqual([]);
    const k = createKey(dir, ['events']);
    const r = await app.inject({
      method: 'POST',
      url: `/v1/events/entra?key=${k}`,
      payload: { value: [{ subscriptionId: 's1', changeType: 'updated', resource: `Users/${CAROL}`, resourceData: { id: CAROL }, clientState: CLIENT_STATE, tenantId: TENANT }] },
    });
    expect(r.statusCode).toBe(202);
    await waitFor(() => {
      const db = new Database(apiDbPath(dir), { readonly: true });
      try {
        const j = db.prepare("SELECT state, last_error FROM jobs WHERE kind = 'refresh' ORDER BY seq DESC LIMIT 1").get() as { state: string; last_error: string | null } | undefined;
        if (j?.state === 'failed') throw new Error(`refresh failed: ${j.last_error}`);
        return j?.state === 'done';
      } finally {
        db.close();
      }
    }, 'refresh done', 30_000);
    const after = store.latestId()!;
    expect(after).not.toBe(before);
    expect(store.baseOf(after)).toBe(before);
    // A full load of the same data.
    const full = new Store(tempDir());
    const same = join(tempDir(), 'github-saml-enforced');
    cpSync(col, same, { recursive: true });
    makeWritable(same);
    disableCarol(join(same, 'entra'));
    const f = await loadSnapshot(full, [same]);
    const got = findingsOf(store, after);
    expect(got).toEqual(findingsOf(full, f.id));
    expect(got.some((x) => x.startsWith('github.departed-member github:203'))).toBe(true);
    expect(got.some((x) => x.startsWith('github.fine-grained-pat-of-departed github:203 8002'))).toBe(true);
  }, 60_000);
});
