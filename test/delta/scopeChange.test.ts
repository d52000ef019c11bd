/**
 * A delta whose collections change a source's scope or coverage, nothing else: the delta stores
 * what a full load of the same collections stores. The cases a delta that re-analyses only the
 * units of the changed source would miss: an Okta per-subject collection replaced by the whole
 * tenant (departed accounts come into scope, their persons no units of the base, or units through
 * another source only), and the Azure folder's coverage changing, both ways (an Entra subject's
 * closure reads the uncovered rules of the Azure folder of its tenant). A scope cannot narrow in
 * a delta: a per-subject collection on a base is a refresh of its accounts on the base's folder
 * (writeDelta.ts, mode 'subject'), not a replacement.
 */
import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { synthesize } from '../../ingest/synth/synthesize.js';
import { loadDelta, loadSnapshot } from '../../queries/loadSnapshot.js';
import { Store } from '../../src/store/Store.js';
import { tempDir } from '../collect/helpers.js';
import { differences } from './chain.js';
import { comparableDoc, storedDoc } from './storedDoc.js';

type Manifest = { scope?: unknown; datasets: Record<string, { status: string; count?: number; reason?: string }> };

/** A copy of a collection with one source's manifest edited (its data unchanged). */
function edited(from: string, to: string, source: string, edit: (m: Manifest) => void): void {
  cpSync(from, to, { recursive: true });
  const path = join(to, source, 'manifest.json');
  const m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  edit(m);
  writeFileSync(path, JSON.stringify(m, null, 2));
}

const LEAVER = {
  id: '0c105ed0-0000-5000-8000-000000000001',
  userPrincipalName: 'closed.leaver@litware.com',
  displayName: 'Closed Leaver',
  mail: null,
  accountEnabled: false,
  userType: 'Member',
  employeeId: null,
  employeeLeaveDateTime: null,
  onPremisesSyncEnabled: false,
  signInSessionsValidFromDateTime: '2026-10-01T00:00:00Z',
  createdDateTime: '2020-01-01T00:00:00Z',
  externalUserState: null,
};

const ids = (dir: string, source: string): string[] =>
  readFileSync(join(dir, source, 'users.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => String((JSON.parse(l) as { id: string }).id));

/** The full load's and the delta's documents of `next` loaded on `base`, and the full load's departed count. */
async function both(root: string, name: string, base: string, next: string): Promise<{ full: string; delta: string; departed: [number, number]; closure: (name: string) => [string?, string?] }> {
  const full = new Store(join(root, `${name}-full`));
  const fb = await loadSnapshot(full, [next]);
  const store = new Store(join(root, `${name}-delta`));
  const b0 = await loadSnapshot(store, [base]);
  const d = await loadDelta(store, [next]);
  const docs = [storedDoc(store, b0.id), storedDoc(full, fb.id)];
  const out = { full: comparableDoc(docs[1]), delta: comparableDoc(storedDoc(store, d.id)) };
  // On failure, where the two differ.
  if (out.full !== out.delta) console.error(differences(out.delta, out.full).join('\n'));
  return { ...out, departed: [b0.departed, fb.departed], closure: (n) => docs.map((doc) => doc.subjects.find((s) => s.name === n)?.closure) as [string?, string?] };
}

describe('a delta that changes a source scope or coverage stores what a full load stores', () => {
  const root = tempDir();
  const all = join(root, 'all');
  const scoped = join(root, 'scoped');
  const azurePartial = join(root, 'azure-partial');

  beforeAll(async () => {
    await synthesize({ users: 400, seed: 5, out: all, githubMembers: 40, subscriptions: 6 });
    // An Entra leaver with nothing left (closed while every dataset is complete): the Azure folder's coverage decides its closure.
    const users = join(all, 'entra', 'users.jsonl');
    appendFileSync(users, `${JSON.stringify({ ...LEAVER, identities: [] })}\n`);
    const entra = join(all, 'entra', 'manifest.json');
    const m = JSON.parse(readFileSync(entra, 'utf8')) as Manifest;
    m.datasets.users.count = (m.datasets.users.count ?? 0) + 1;
    writeFileSync(entra, JSON.stringify(m, null, 2));
    // Okta collected for two accounts only (a per-subject collection): every other Okta account is out of scope.
    const okta = ids(all, 'okta');
    edited(all, scoped, 'okta', (m) => (m.scope = { kind: 'subject', accounts: okta.slice(0, 2) }));
    edited(all, azurePartial, 'azure', (m) => {
      for (const d of Object.values(m.datasets)) Object.assign(d, { status: 'partial', reason: 'test: throttled' });
    });
  }, 300_000);

  test('an Okta per-subject collection replaced by the whole tenant', async () => {
    const widen = await both(root, 'widen', scoped, all);
    // The case is there: more departed subjects in the whole tenant than in the two accounts' scope.
    expect(widen.departed[1]).toBeGreaterThan(widen.departed[0]);
    expect(widen.delta).toBe(widen.full);
  }, 300_000);

  test('the Azure folder coverage turning partial, and complete again', async () => {
    const partial = await both(root, 'partial', all, azurePartial);
    // The case is there: the leaver is closed with Azure complete, not closed with it partial.
    expect(partial.closure(LEAVER.userPrincipalName)[0]).toMatch(/^closed/);
    expect(partial.closure(LEAVER.userPrincipalName)[1]).toMatch(/^no finding, but not closed: data incomplete for azure\./);
    expect(partial.delta).toBe(partial.full);
    const complete = await both(root, 'complete', azurePartial, all);
    expect(complete.delta).toBe(complete.full);
  }, 300_000);
});
