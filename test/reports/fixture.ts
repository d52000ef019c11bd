/**
 * A store with two snapshots of two scenarios (entra-owned-apps + okta-lifecycle), the second
 * made from a modified copy a week later:
 * - entra: Alice's "deploy" secret on payroll-sync is removed (resolved);
 * - entra: a new secret appears on reporting-bot, which Alice owns, created before her
 *   departure (new);
 * - entra: groupMembers is partial, and Alice's membership line is missing (coverage lost,
 *   never resolved; Carol, closed before, is no longer closed);
 * - okta: gina goes from SUSPENDED to DEPROVISIONED: her API token, dormant while suspended,
 *   becomes live (regression); her Wiki assignment (suspended only) and the Salesforce
 *   downstream account (Salesforce pushes deactivation) are resolved.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSnapshot } from '../../queries/loadSnapshot.js';
import { Store } from '../../src/store/Store.js';
import { SCENARIOS } from '../support/scenarios.js';

export const ALICE = '4b90264f-c87d-5281-a083-91a09f9d78fc';
export const CAROL = '6337b731-60dd-5a8e-b554-6fe2f82624dd';
export const GINA = '00ubGOAizuyeSy1b3nuL';
export const DEPLOY_SECRET = '10481888-184d-5e8a-946e-d502c111c221';
export const NEW_SECRET = '2f7d3c11-5a0e-4c3b-9d7e-1a2b3c4d5e6f';
export const FINANCE_GROUP = 'c1a62970-c142-5387-acc6-ac01ff4d2be8';
export const GINA_TOKEN = '00Te26dgEUl0xyFnOwGf';
export const SALESFORCE = '0oaGLPW9JcrEX5jkY9PJ';
export const WIKI = '0oab91e1pZ1c0ynEc0NT';
export const AT1 = '2026-11-01T00:00:00.000Z';
export const AT2 = '2026-11-08T00:00:00.000Z';

export interface TwoSnapshots {
  root: string;
  storeDir: string;
  store: Store;
  first: string;
  second: string;
  /** Load the modified copy as the second snapshot (call after acting on the first one). */
  loadSecond(): Promise<string>;
  /** Remove the temporary folder. */
  cleanup(): void;
}

function editJsonl(path: string, edit: (o: Record<string, any>) => Record<string, any> | null): void {
  const out: string[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const o = edit(JSON.parse(line));
    if (o) out.push(JSON.stringify(o));
  }
  writeFileSync(path, `${out.join('\n')}\n`);
}

function editJson(path: string, edit: (o: Record<string, any>) => void): void {
  const o = JSON.parse(readFileSync(path, 'utf8'));
  edit(o);
  writeFileSync(path, JSON.stringify(o, null, 2));
}

/** Copy the scenarios, load the first snapshot; `loadSecond` modifies the copy and loads it. */
export async function twoSnapshots(): Promise<TwoSnapshots> {
  const root = mkdtempSync(join(tmpdir(), 'revenant-report-'));
  const v1 = join(root, 'v1');
  const v2 = join(root, 'v2');
  for (const s of ['entra-owned-apps', 'okta-lifecycle']) {
    cpSync(join(SCENARIOS, s), join(v1, s), { recursive: true });
    cpSync(join(SCENARIOS, s), join(v2, s), { recursive: true });
  }
  const storeDir = join(root, 'store');
  const store = new Store(storeDir);
  const first = (await loadSnapshot(store, [join(v1, 'entra-owned-apps'), join(v1, 'okta-lifecycle')])).id;

  const entra = join(v2, 'entra-owned-apps', 'entra');
  const okta = join(v2, 'okta-lifecycle', 'okta');
  editJsonl(join(entra, 'applications.jsonl'), (a) => {
    if (a.displayName === 'payroll-sync') a.passwordCredentials = a.passwordCredentials.filter((c: { keyId: string }) => c.keyId !== DEPLOY_SECRET);
    if (a.displayName === 'reporting-bot') {
      a.passwordCredentials.push({ customKeyIdentifier: null, displayName: 'ci', endDateTime: '2027-09-01T00:00:00Z', hint: 'ci', keyId: NEW_SECRET, secretText: null, startDateTime: '2026-09-01T00:00:00Z' });
    }
    return a;
  });
  editJsonl(join(entra, 'groupMembers.jsonl'), (m) => (m.member.id === ALICE ? null : m));
  editJson(join(entra, 'manifest.json'), (m) => {
    m.collectedAt = AT2;
    m.datasets.groupMembers = { status: 'partial', count: 1, reason: 'HTTP 503 after 5 retries on /groups/{id}/members for 1 group' };
  });
  editJsonl(join(okta, 'users.jsonl'), (u) => {
    if (u.id === GINA) u.status = 'DEPROVISIONED';
    return u;
  });
  editJson(join(okta, 'manifest.json'), (m) => {
    m.collectedAt = AT2;
  });

  const out: TwoSnapshots = {
    root,
    storeDir,
    store,
    first,
    second: '',
    async loadSecond() {
      out.second = (await loadSnapshot(store, [join(v2, 'entra-owned-apps'), join(v2, 'okta-lifecycle')])).id;
      return out.second;
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
  return out;
}

/** `rule subject via` of a finding, for set comparisons. */
export const triple = (f: { rule: string; subject: { id: string }; via: { id: string } }) => `${f.rule} ${f.subject.id} ${f.via.id}`;
