/**
 * The embedded store: snapshots listed oldest first, the stored analysis equal to a fresh one,
 * `--snapshot` prefix resolution, pruning, and the diff's buckets — including coverage lost,
 * which must never read as resolved.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffSnapshots } from '../../queries/diff.js';
import { loadSnapshot } from '../../queries/loadSnapshot.js';
import { runResidual } from '../../queries/residual.js';
import { findingHistory } from '../../src/store/history.js';
import { LazyGraph } from '../../src/store/LazyGraph.js';
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { Store } from '../../src/store/Store.js';
import { readStoredFindings } from '../../src/store/storedFindings.js';
import { cli } from '../support/cli.js';
import { SCENARIOS } from '../support/scenarios.js';

function copyScenario(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `revenant-${name}-`));
  cpSync(join(SCENARIOS, name), dir, { recursive: true });
  return dir;
}

function editJsonl(file: string, edit: (o: Record<string, unknown>) => Record<string, unknown> | null) {
  const out = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => edit(JSON.parse(l))).filter((o) => o !== null);
  writeFileSync(file, out.map((o) => JSON.stringify(o)).join('\n') + (out.length ? '\n' : ''));
  return out.length;
}

describe('store', () => {
  it('stores the analysis at load, equal to a fresh analysis of the snapshot', async () => {
    const store = new Store(mkdtempSync(join(tmpdir(), 'revenant-store-')));
    const { id, findings } = await loadSnapshot(store, [join(SCENARIOS, 'okta-lifecycle')]);
    expect(findings).toBe(10);
    const db = new SnapshotDb(store.pathOf(id));
    try {
      const stored = readStoredFindings(db);
      const fresh = runResidual(new LazyGraph(db, id), { all: true });
      expect(stored).toEqual(JSON.parse(JSON.stringify(fresh)));
    } finally {
      db.close();
    }
  });

  it('lists, resolves and prunes snapshots', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'revenant-store-'));
    const store = new Store(dir);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await loadSnapshot(store, [join(SCENARIOS, 'entra-owned-apps')])).id);
    expect(store.ids()).toEqual(ids);
    expect(store.resolve()).toBe(ids[2]);
    expect(store.resolve(ids[0].slice(0, 20))).toBe(ids[0]);
    expect(() => store.resolve('nope')).toThrow(/no snapshot nope/);
    expect(cli(['snapshots', '--store', dir, '--prune', '2']).status).toBe(0);
    expect(store.ids()).toEqual(ids.slice(1));
    expect(cli(['residual', '--all', '--store', mkdtempSync(join(tmpdir(), 'empty-'))]).stderr).toMatch(/no snapshot in .* yet/);
  });

  it('diffs two snapshots: new, resolved, regressed and coverage lost', async () => {
    const store = new Store(mkdtempSync(join(tmpdir(), 'revenant-store-')));
    const before = copyScenario('entra-owned-apps');
    const a = await loadSnapshot(store, [before]);
    const after = copyScenario('entra-owned-apps');
    // Remove the deploy secret (resolved), add a secret to alice's other app (new), and lose groupMembers coverage.
    editJsonl(join(after, 'entra', 'applications.jsonl'), (o) => {
      const creds = (o.passwordCredentials as Record<string, unknown>[]) ?? [];
      if (o.displayName === 'payroll-sync') o.passwordCredentials = creds.filter((c) => c.keyId !== '10481888-184d-5e8a-946e-d502c111c221');
      if (o.displayName === 'reporting-bot') o.passwordCredentials = [...creds, { keyId: 'a1a1a1a1-0000-4000-8000-000000000000', startDateTime: '2026-01-01T00:00:00Z', endDateTime: null }];
      return o;
    });
    const m = JSON.parse(readFileSync(join(after, 'entra', 'manifest.json'), 'utf8'));
    m.datasets.groupMembers = { status: 'partial', count: 2, reason: 'HTTP 503 after 5 retries' };
    writeFileSync(join(after, 'entra', 'manifest.json'), JSON.stringify(m));
    const b = await loadSnapshot(store, [after]);
    const d = diffSnapshots(store);
    expect(d.from).toBe(a.id);
    expect(d.to).toBe(b.id);
    expect(d.new.map((f) => `${f.rule} ${f.via.id}`)).toEqual(['entra.owned-app-secret a1a1a1a1-0000-4000-8000-000000000000']);
    expect(d.resolved.map((f) => `${f.rule} ${f.via.id}`)).toEqual(['entra.owned-app-secret 10481888-184d-5e8a-946e-d502c111c221']);
    expect(d.coverageLost).toHaveLength(1);
    expect(d.coverageLost[0].datasets).toEqual(['groupMembers']);
    expect(d.coverageLost[0].rules.sort()).toEqual(['entra.dormant-membership', 'entra.dormant-role']);
    // The membership finding is still shown (the partial data still shows it), so nothing is lost here …
    expect(d.coverageLost[0].findings).toEqual([]);
    // … but when the partial file no longer holds it, it is coverage lost, not resolved.
    const third = copyScenario('entra-owned-apps');
    editJsonl(join(third, 'entra', 'groupMembers.jsonl'), (o) => ((o.member as { id: string }).id === '4b90264f-c87d-5281-a083-91a09f9d78fc' ? null : o));
    const m3 = JSON.parse(readFileSync(join(third, 'entra', 'manifest.json'), 'utf8'));
    m3.datasets.groupMembers = { status: 'partial', count: 1, reason: 'HTTP 503 after 5 retries' };
    writeFileSync(join(third, 'entra', 'manifest.json'), JSON.stringify(m3));
    const c = await loadSnapshot(store, [third]);
    const d2 = diffSnapshots(store, a.id, c.id);
    expect(d2.resolved.map((f) => f.rule)).not.toContain('entra.dormant-membership');
    expect(d2.coverageLost[0].findings.map((f) => f.rule)).toEqual(['entra.dormant-membership']);
    // History: first and last seen.
    const h = findingHistory(store);
    const deploy = d.resolved[0].id;
    // Gone in b, back in c (the third copy still has it): first seen in a, last seen in c.
    expect(h.get(deploy)).toMatchObject({ firstSeen: { snapshot: a.id }, lastSeen: { snapshot: c.id } });
    expect(h.get(d.new[0].id)).toMatchObject({ firstSeen: { snapshot: b.id }, lastSeen: { snapshot: b.id } });
  });

  it('a status change to live is a regression', async () => {
    const store = new Store(mkdtempSync(join(tmpdir(), 'revenant-store-')));
    const s1 = copyScenario('okta-lifecycle');
    await loadSnapshot(store, [s1]);
    const s2 = copyScenario('okta-lifecycle');
    // Gina goes from SUSPENDED to DEPROVISIONED: her API token goes from dormant to live.
    editJsonl(join(s2, 'okta', 'users.jsonl'), (o) => (o.id === '00ubGOAizuyeSy1b3nuL' ? { ...o, status: 'DEPROVISIONED' } : o));
    await loadSnapshot(store, [s2]);
    const d = diffSnapshots(store);
    const reg = d.changed.filter((c) => c.regression);
    expect(reg.map((c) => `${c.after.rule} ${c.before.status}→${c.after.status}`)).toEqual(['okta.api-token-of-departed dormant→live']);
  });
});
