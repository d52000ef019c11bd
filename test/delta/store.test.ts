/**
 * Delta snapshots in the embedded store: a load of changed collections on the latest snapshot
 * writes only what changed and stores exactly the analysis a full load stores; a chain of deltas
 * reads like a full snapshot; compaction folds a chain into a full snapshot with the same id
 * (and a delta on it still works); pruning compacts a kept delta whose base it removes, so it
 * never breaks a chain; a delta collection cannot be loaded without its base, and a tombstone that
 * names nothing is bad input. Kinds a source registers (GitHub's) have stable codes; a load stores
 * their accounts' findings; deltas over sources that derive at load time (GitHub's asserted links
 * and borrowed departures, Azure's assignment holders) store what full loads store, step by step.
 */
import { cpSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { synthesize } from '../../ingest/synth/synthesize.js';
import { loadDelta, loadSnapshot } from '../../queries/loadSnapshot.js';
import { runResidual } from '../../queries/residual.js';
import { CompactGraph } from '../../src/store/CompactGraph.js';
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { Store } from '../../src/store/Store.js';
import { readPending, writtenByThisVersion } from '../../src/store/storedFindings.js';
import { openGraph } from '../../src/store/openGraph.js';
import { edgeKindIndex, nodeKindCode } from '../../src/store/kindCodes.js';
import { tempDir } from '../collect/helpers.js';
import { type Raw, rewrite } from '../support/collectionEdits.js';
import { comparableDoc, storedDoc } from './storedDoc.js';

/** A copy of a collection with a few changes (disables, a removed membership, a new secret, an Okta suspension). */
function changed(from: string, to: string, step: number): void {
  cpSync(from, to, { recursive: true });
  rewrite(to, 'entra', 'users', (rows) => {
    const enabled = rows.filter((u) => u.accountEnabled !== false);
    enabled[step * 3].accountEnabled = false;
    enabled[step * 3 + 1].accountEnabled = false;
    return rows;
  });
  rewrite(to, 'entra', 'groupMembers', (rows) => rows.filter((_, i) => i !== step * 5));
  rewrite(to, 'entra', 'applications', (rows) => {
    const a = rows[step % rows.length];
    a.passwordCredentials = [...(((a.passwordCredentials as Raw[]) ?? []) as Raw[]), { keyId: `00000000-0000-4000-8000-00000000000${step}`, displayName: `new ${step}`, startDateTime: '2026-10-01T00:00:00Z', endDateTime: '2027-10-01T00:00:00Z' }];
    return rows;
  });
  rewrite(to, 'okta', 'users', (rows) => {
    rows.filter((u) => u.status === 'ACTIVE')[step].status = 'SUSPENDED';
    return rows;
  });
}


describe('delta snapshots in the embedded store', () => {
  const root = tempDir();
  const a = join(root, 'a');
  const b = join(root, 'b');
  const c = join(root, 'c');
  const d = join(root, 'd');

  beforeAll(async () => {
    await synthesize({ users: 250, seed: 3, out: a });
    changed(a, b, 1);
    changed(b, c, 2);
    changed(c, d, 3);
  }, 300_000);

  test('a delta stores what a full load of the same collections stores; chains read like full snapshots', async () => {
    const store = new Store(join(root, 'chain'));
    const full = new Store(join(root, 'full'));
    const s1 = await loadSnapshot(store, [a]);
    const s2 = await loadDelta(store, [b]);
    const s3 = await loadDelta(store, [c]);
    expect(s2.baseId).toBe(s1.id);
    expect(s3.baseId).toBe(s2.id);
    expect(store.baseOf(s3.id)).toBe(s2.id);
    // Small: the delta file is a fraction of the full one, and few units were analysed again.
    expect(statSync(store.pathOf(s3.id)).size).toBeLessThan(statSync(store.pathOf(s1.id)).size / 4);
    expect(s3.reanalysed).toBeLessThan(s3.units / 2);
    const f3 = await loadSnapshot(full, [c]);
    expect(comparableDoc(storedDoc(store, s3.id))).toBe(comparableDoc(storedDoc(full, f3.id)));
    // Reading the chain: a sweep gives the stored document; node and edge counts are a full load's.
    const g = await openGraph({ store: store.dir, snapshot: s3.id, sweep: true });
    try {
      expect(JSON.stringify(runResidual(g.graph, { all: true }))).toBe(JSON.stringify(storedDoc(store, s3.id)));
    } finally {
      g.close();
    }
    expect(store.info(s3.id)).toMatchObject({ nodes: full.info(f3.id).nodes, edges: full.info(f3.id).edges, base: s2.id });
  }, 300_000);

  test('compaction folds a chain into a full snapshot with the same id; pruning never breaks a chain', async () => {
    const store = new Store(join(root, 'prune'));
    await loadSnapshot(store, [a]);
    const s2 = await loadDelta(store, [b]);
    const s3 = await loadDelta(store, [c]);
    const before = JSON.stringify(storedDoc(store, s3.id));
    const db = new SnapshotDb(store.pathOf(s3.id));
    const sweep = JSON.stringify(runResidual(new CompactGraph(db, s3.id), { all: true }));
    const pendingBefore = readPending(db);
    expect(pendingBefore).not.toBeUndefined();
    db.close();
    // Keep the newest one: its bases go, so it is compacted first.
    expect(store.prune(1)).toHaveLength(2);
    expect(store.ids()).toEqual([s3.id]);
    expect(store.baseOf(s3.id)).toBeUndefined();
    expect(JSON.stringify(storedDoc(store, s3.id))).toBe(before);
    const db2 = new SnapshotDb(store.pathOf(s3.id));
    try {
      expect(db2.isDelta).toBe(false);
      // The delta's `pending` and writer carry over: `residual --all` still reads the document.
      expect(readPending(db2)).toBe(pendingBefore);
      expect(writtenByThisVersion(db2)).toBe(true);
      expect(JSON.stringify(runResidual(new CompactGraph(db2, s3.id), { all: true }))).toBe(sweep);
    } finally {
      db2.close();
    }
    // A delta on the compacted snapshot still works (same node numbers, edge ids and files).
    const s4 = await loadDelta(store, [d]);
    const full = new Store(join(root, 'prune-full'));
    const f4 = await loadSnapshot(full, [d]);
    expect(comparableDoc(storedDoc(store, s4.id))).toBe(comparableDoc(storedDoc(full, f4.id)));
    expect(s2.id).not.toBe(s3.id);
  }, 300_000);

  test('a delta collection needs its base snapshot; a tombstone must name what it removes', async () => {
    const delta = join(root, 'delta-col');
    cpSync(b, delta, { recursive: true });
    const mpath = join(delta, 'entra', 'manifest.json');
    const m = JSON.parse(readFileSync(mpath, 'utf8')) as Raw & { datasets: Record<string, Raw> };
    m.delta = { base: { path: join(root, 'nowhere', 'entra'), collectedAt: m.collectedAt } };
    for (const l of Object.values(m.datasets)) l.mode = 'delta';
    writeFileSync(mpath, JSON.stringify(m, null, 2));
    const store = new Store(join(root, 'refuse'));
    await expect(loadSnapshot(store, [delta])).rejects.toThrow(/delta collection .* is loaded on the snapshot of its base/);
    await loadSnapshot(store, [a]);
    await expect(loadDelta(store, [delta])).rejects.toThrow(/a delta collection on .*nowhere.*load it on the snapshot of its base collection/);
    // A tombstone without its id.
    m.delta = { base: { path: join(a, 'entra'), collectedAt: m.collectedAt } };
    writeFileSync(mpath, JSON.stringify(m, null, 2));
    writeFileSync(join(delta, 'entra', 'users.jsonl'), '{"@removed":{"reason":"deleted"}}\n');
    (m.datasets.users as Raw).count = 1;
    writeFileSync(mpath, JSON.stringify(m, null, 2));
    await expect(loadDelta(store, [delta])).rejects.toThrow(/entra\/users\.jsonl:1: a removed object \("@removed"\) must carry the fields that name it/);
  }, 300_000);
});

/** Rewrite the lines of a dataset in place (its manifest count follows). */
const edit = (source: string, dataset: string, f: (rows: Raw[]) => Raw[]) => (dir: string) => rewrite(dir, source, dataset, f);
const byUpn = (upn: string, f: (u: Raw) => void) => edit('entra', 'users', (rows) => (rows.filter((u) => u.userPrincipalName === upn).forEach(f), rows));

/**
 * Load `start`, then each edited copy two ways — a delta on the previous snapshot, and a full
 * load — and compare the stored findings documents at every step; returns the findings seen
 * (`rule subject`) at any step and at the last one.
 */
async function deltaEqualsFull(root: string, start: string, steps: [string, (dir: string) => void][]): Promise<{ seen: Set<string>; last: Set<string> }> {
  const store = new Store(join(root, 'delta'));
  const full = new Store(join(root, 'full'));
  await loadSnapshot(store, [start]);
  const seen = new Set<string>();
  let last = new Set<string>();
  let prev = start;
  for (const [i, [what, change]] of steps.entries()) {
    const dir = join(root, `step-${i + 1}`);
    cpSync(prev, dir, { recursive: true });
    change(dir);
    const d = await loadDelta(store, [dir]);
    const f = await loadSnapshot(full, [dir]);
    const doc = storedDoc(store, d.id);
    const want = storedDoc(full, f.id);
    const short = (x: typeof doc) => [...x.subjects.map((y) => `subject ${y.source}:${y.id} ${y.closure}`), ...x.findings.map((y) => `finding ${y.rule} ${y.subject.id} ${y.via?.id ?? ''}`), ...x.persons.map((p) => `person ${p.id} ${p.accounts.map((a) => `${a.source}:${a.id}`).join(',')}`)];
    expect(short(doc), `step ${i + 1}: ${what}`).toEqual(short(want));
    expect(comparableDoc(doc), `step ${i + 1}: ${what}`).toBe(comparableDoc(want));
    last = new Set(doc.findings.map((x) => `${x.rule} ${x.subject.id}`));
    for (const x of last) seen.add(x);
    // Reading the delta snapshot: a sweep gives what it stored.
    const g = await openGraph({ store: store.dir, snapshot: d.id, sweep: true });
    try {
      expect(JSON.stringify(runResidual(g.graph, { all: true })), `step ${i + 1}: sweep`).toBe(JSON.stringify(doc));
    } finally {
      g.close();
    }
    prev = dir;
  }
  return { seen, last };
}

const scenario = (name: string, to: string) =>
  cpSync(join(import.meta.dirname, '..', 'scenarios', name), to, { recursive: true, filter: (f) => !/(README\.md|expected\.json)$/.test(f) });

describe('deltas over sources that derive at load time (GitHub, Azure)', () => {
  test('kinds a source registers have codes; a load stores their accounts findings', async () => {
    // Every registered kind has a code and an edge index, the same every time (kindCodes.ts).
    for (const k of ['GitHubUser', 'GitHubRepository']) expect(nodeKindCode(k)).toBeGreaterThan(0);
    for (const k of ['REPO_ROLE', 'OUTSIDE_COLLABORATOR']) expect(edgeKindIndex(k)).toBeGreaterThanOrEqual(0);
    expect(edgeKindIndex('REPO_ROLE')).toBeLessThan(64);
    const root = tempDir();
    const a = join(root, 'a');
    scenario('github-outside-collaborator', a);
    const store = new Store(join(root, 'chain'));
    const s1 = await loadSnapshot(store, [a]);
    // The stored analysis has the GitHub findings a sweep finds (GitHub accounts are units' accounts too).
    const g = await openGraph({ store: store.dir, snapshot: s1.id, sweep: true });
    try {
      expect(JSON.stringify(storedDoc(store, s1.id))).toBe(JSON.stringify(runResidual(g.graph, { all: true })));
    } finally {
      g.close();
    }
    expect(storedDoc(store, s1.id).findings.map((f) => `${f.rule} ${f.subject.id}`)).toContain('github.outside-collaborator-departed 311');
    // A delta that removes the departed collaborator's access equals a full load.
    const { last } = await deltaEqualsFull(join(root, 'oc'), a, [
      ["olga loses one repository's access", edit('github', 'repoCollaborators', (rows) => rows.filter((r) => (r.collaborator as Raw).login !== 'olga'))],
      ['olga no longer an outside collaborator', edit('github', 'outsideCollaborators', (rows) => rows.filter((r) => r.login !== 'olga'))],
    ]);
    expect(last).not.toContain('github.outside-collaborator-departed 311');
  }, 300_000);

  test('a dataset re-read in full with a key twice: the delta reads its lines in order, as a full load', async () => {
    // Unchanged lines are not parsed (their text hashes to a base line's content); a key twice makes the order matter.
    const root = tempDir();
    const a = join(root, 'a');
    scenario('github-outside-collaborator', a);
    const { last } = await deltaEqualsFull(join(root, 'twice'), a, [
      // (A rewritten file's lines are JSON.stringify's: the next step's unchanged lines have the same text.)
      ['a collaborator line twice', (dir) => (edit('entra', 'users', (rows) => rows)(dir), edit('github', 'repoCollaborators', (rows) => [...rows, rows[0]])(dir))],
      ["an enabled copy of olga's user line before it (the later line defines her: still departed)", edit('entra', 'users', (rows) => [{ ...rows[0], accountEnabled: true }, ...rows])],
      [
        'the copies gone, a collaborator line changed',
        (dir) => (
          edit('entra', 'users', (rows) => rows.slice(1))(dir),
          edit('github', 'repoCollaborators', (rows) => rows.slice(0, -1).map((r, i) => (i === 0 ? { ...r, collaborator: { ...(r.collaborator as Raw), role_name: 'read' } } : r)))(dir)
        ),
      ],
    ]);
    expect(last).toContain('github.outside-collaborator-departed 311');
  }, 300_000);

  test('GitHub: IdP-asserted links and borrowed departures change with a delta as with a full load', async () => {
    const root = tempDir();
    const a = join(root, 'a');
    scenario('github-saml-enforced', a);
    const saml = (login: string, f: (r: Raw) => void) => edit('github', 'samlIdentities', (rows) => (rows.filter((r) => (r.user as Raw).login === login).forEach(f), rows));
    const later = (dir: string) => {
      for (const src of ['entra', 'github']) {
        const mpath = join(dir, src, 'manifest.json');
        writeFileSync(mpath, JSON.stringify({ ...(JSON.parse(readFileSync(mpath, 'utf8')) as Raw), collectedAt: '2026-11-01T13:00:00Z' }, null, 2));
      }
    };
    const { seen } = await deltaEqualsFull(root, a, [
      ["time passes, nothing else: alice's SAML window (until 12:00) is over", later],
      ['alice becomes an organisation owner; a new SSO credential of hers; carol adds a deploy key', (dir) => {
        edit('github', 'members', (rows) => (rows.filter((r) => (r.user as Raw).login === 'alice').forEach((r) => (r.role = 'ADMIN')), rows))(dir);
        edit('github', 'credentialAuthorizations', (rows) => [...rows, { ...rows[0], login: 'alice', credential_id: 7009, authorized_credential_id: 17009, authorized_credential_title: 'laptop' }])(dir);
        edit('github', 'deployKeys', (rows) => [...rows, { repoId: 70001, key: { ...(rows[0].key as Raw), id: 509, title: 'carol key', added_by: 'carol' } }])(dir);
      }],
      ['alice re-enabled in Entra (her borrowed departure ends)', byUpn('alice@acme.example', (u) => (u.accountEnabled = true))],
      ["bob's SAML identity removed (no asserted link: not departed)", edit('github', 'samlIdentities', (rows) => rows.filter((r) => (r.user as Raw).login !== 'bob'))],
      ['dave-gh gets a SAML identity naming dave (asserted link to a disabled account)', edit('github', 'samlIdentities', (rows) => [...rows, { ...rows[0], guid: 'g-dave', samlIdentity: { nameId: 'dave@acme.example', username: null }, scimIdentity: { username: null }, user: { databaseId: 204, login: 'dave-gh' } }])],
      ["carol's NameID now names alice (a link moves between accounts)", saml('carol', (r) => ((r.samlIdentity as Raw).nameId = 'alice@acme.example'))],
      ['alice disabled again, and carol disabled', (dir) => (byUpn('alice@acme.example', (u) => (u.accountEnabled = false))(dir), byUpn('carol@acme.example', (u) => (u.accountEnabled = false))(dir))],
      ["carol's deploy key now counts as added by alice", edit('github', 'deployKeys', (rows) => rows.map((r) => ((r.key as Raw).added_by === 'carol' ? { ...r, key: { ...(r.key as Raw), added_by: 'alice' } } : r)))],
      ["dave's UPN changes (the asserted NameID matches nobody)", byUpn('dave@acme.example', (u) => (u.userPrincipalName = 'david@acme.example'))],
      ['bob leaves the organisation; a new member joins', (dir) => {
        edit('github', 'members', (rows) => [...rows.filter((r) => (r.user as Raw).login !== 'bob'), { role: 'MEMBER', user: { id: 205, login: 'erin', node_id: 'U_205', organizationVerifiedDomainEmails: ['erin@acme.example'] } }])(dir);
      }],
      ["carol's Entra mail becomes erin@acme.example (a mail link to an unchanged GitHub account)", byUpn('carol@acme.example', (u) => (u.mail = 'erin@acme.example'))],
      ['the SAML provider points at another tenant (every asserted link goes)', edit('github', 'samlIdentities', (rows) => rows.map((r) => ({ ...r, issuer: 'https://sts.windows.net/00000000-0000-4000-8000-000000000000/' })))],
    ]);
    expect(seen).toContain('github.departed-member 201');
  }, 600_000);

  test('Azure: role assignments and eligibilities follow their Entra holders in a delta as in a full load', async () => {
    const root = tempDir();
    const a = join(root, 'a');
    scenario('azure-roles', a);
    const { seen } = await deltaEqualsFull(root, a, [
      ['quinn disabled in Entra (her assignment becomes residual)', byUpn('quinn@acme.example', (u) => (u.accountEnabled = false))],
      ["one of nina's assignments removed", edit('azure', 'roleAssignments', (rows) => rows.filter((_, i) => i !== 0))],
      ['an assignment moves from nina to oscar', edit('azure', 'roleAssignments', (rows) => rows.map((r) => (((r.properties as Raw).principalId === '56300dd0-f5a4-5a70-aa45-4e60b5631668' ? ((r.properties as Raw).principalId = 'c54c8d12-e2ea-57a9-8c5b-1934db794cb9') : null), r)))],
      ['nina deleted from Entra (her eligibilities have no holder)', edit('entra', 'users', (rows) => rows.filter((u) => u.userPrincipalName !== 'nina@acme.example'))],
      ['quinn re-enabled, an eligibility removed', (dir) => (byUpn('quinn@acme.example', (u) => (u.accountEnabled = true))(dir), edit('azure', 'roleEligibilityScheduleInstances', (rows) => rows.slice(1))(dir))],
    ]);
    expect([...seen].some((f) => f.startsWith('azure.'))).toBe(true);
  }, 600_000);
});
