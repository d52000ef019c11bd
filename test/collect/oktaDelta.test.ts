/**
 * `collect okta --delta` read three ways — by its cost rule, always one object at a time, always
 * through the parent's whole list — on a synthetic org served by the Okta fake after Okta
 * changes (deactivations, suspensions and unsuspensions, joiners, memberships, app assignments,
 * admin roles): each delta chain's current lines equal a full collection's, dataset by dataset.
 * The ledger says which way app users and user roles were read, and the cost rule never takes
 * more requests than either forced way (app users: in the apps bucket; a user only deactivated has
 * its lines decided by its app links, or, where an org refuses them, read one by one). A failed page of an app's user list leaves that app's
 * lines as they were and the dataset partial (never a quiet end of the list).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chainOf, currentLines } from '../../ingest/collection/collectionChain.js';
import { recordSpec } from '../../ingest/collection/records.js';
import { synthesize } from '../../ingest/synth/synthesize.js';
import { OktaFake } from '../fakes/OktaFake.js';
import { loadScenario } from '../fakes/scenarioTenants.js';
import { TenantChanges } from '../support/tenantChanges.js';
import { ROOT, ensureBuilt, readSource, runCli, runNode, tempDir } from './helpers.js';

type Raw = Record<string, unknown>;

const T0 = Date.parse('2026-11-01T00:00:00Z');
const iso = (t: number) => new Date(t).toISOString();

async function current(dir: string, dataset: string): Promise<Map<string, string>> {
  const spec = recordSpec('okta', dataset)!;
  const out = new Map<string, string>();
  for await (const l of currentLines(chainOf(dir), 'okta', dataset)) out.set(String(spec.key(l)), JSON.stringify(l));
  return out;
}

function fullLines(dir: string, dataset: string): Map<string, string> {
  const spec = recordSpec('okta', dataset)!;
  return new Map((readSource(dir).lines[dataset] ?? []).map((l) => [String(spec.key(l)), JSON.stringify(l)]));
}

describe('okta delta: the cost rule and both forced ways read what a full collection reads', () => {
  const root = tempDir();
  let okta: OktaFake;
  let clock = T0;
  const base = join(root, 'base');

  const delta = async (out: string, plan: string, extra = '') => {
    const script = `
      const { collectOktaDelta } = await import(${JSON.stringify(join(ROOT, 'dist/ingest/okta/index.js'))});
      const r = await collectOktaDelta({ orgUrl: ${JSON.stringify(okta.url)}, token: '00tok', base: ${JSON.stringify(base)}, out: ${JSON.stringify(out)}, collectedAt: ${JSON.stringify(iso(clock))}, plan: ${JSON.stringify(plan)}${extra} });
      console.log(JSON.stringify(r.results.map((x) => [x.dataset, x.status, x.requests])));
    `;
    const r = await runNode(script, 120_000);
    expect(r.code, r.stderr).toBe(0);
    return readSource(join(out, 'okta')).manifest;
  };

  beforeAll(async () => {
    ensureBuilt();
    const synth = join(root, 'synth');
    await synthesize({ users: 300, seed: 21, out: synth, at: iso(T0) });
    okta = new OktaFake(loadScenario(synth).okta!.data);
    okta.apiTokens.add('00tok');
    await okta.start();
    const r = await runCli(['collect', 'okta', '--org-url', okta.url, '--out', base, '--collected-at', iso(T0)], { env: { OKTA_CLIENT_TOKEN: '00tok' } });
    expect(r.code, r.stderr).toBe(0);
    clock = T0 + 3_600_000;
    const changes = new TenantChanges({ okta }, 3, () => iso(clock - 10 * 60_000));
    const plan: [string, number][] = [
      ['okta-deactivate', 5],
      ['okta-suspend', 4],
      ['okta-unsuspend', 1],
      ['okta-joiner', 2],
      ['okta-membership-add', 3],
      ['okta-membership-remove', 3],
      ['okta-app-assign', 3],
      ['okta-role-grant', 2],
      ['okta-role-revoke', 1],
    ];
    for (const [kind, n] of plan) for (let i = 0; i < n; i++) changes.apply(kind as never);
  }, 300_000);

  afterAll(async () => {
    await okta?.stop();
  });

  test('auto, per-object and per-parent deltas each equal the full collection', async () => {
    const full = join(root, 'full');
    const r = await runCli(['collect', 'okta', '--org-url', okta.url, '--out', full, '--collected-at', iso(clock)], { env: { OKTA_CLIENT_TOKEN: '00tok' } });
    expect(r.code, r.stderr).toBe(0);
    const manifests: Record<string, Raw> = {};
    for (const plan of ['auto', 'per-object', 'per-parent']) {
      const out = join(root, `delta-${plan}`);
      const m = await delta(out, plan);
      manifests[plan] = m as unknown as Raw;
      const datasets = m.datasets as Record<string, Raw>;
      for (const [name, entry] of Object.entries(datasets)) {
        if (name === 'logs' || entry.status === 'missing') continue;
        expect(entry.status, `${plan} ${name}`).toBe('complete');
        const got = await current(join(out, 'okta'), name);
        const want = fullLines(join(full, 'okta'), name);
        const diff = [...new Set([...got.keys(), ...want.keys()])].filter((k) => got.get(k) !== want.get(k));
        expect(diff.map((k) => `${name} ${k}: delta ${got.get(k) ?? '-'} / full ${want.get(k) ?? '-'}`), plan).toEqual([]);
      }
    }
    const ds = (p: string) => manifests[p].datasets as Record<string, Raw>;
    // The ledger names the way each was read.
    expect(ds('per-object').appUsers.plan).toMatchObject({ recordsRead: expect.any(Number), linksVia: 'appLinks' });
    expect((ds('per-object').appUsers.plan as Raw).recordsRead).toBeGreaterThan(0);
    // Joiners read their app links; users only deactivated read theirs by the cost rule (auto), which
    // keeps their group lines and removes their direct lines on apps that keep no password, unread.
    const plan = ds('auto').appUsers.plan as Raw;
    expect(Number(plan.usersWithLinks)).toBeGreaterThan(0);
    expect(Number(plan.usersWithLinks)).toBeLessThan(Number(plan.usersReRead));
    expect(Number(plan.deactivatedByLinks)).toBeGreaterThan(0);
    expect(Number(plan.linesKept)).toBeGreaterThan(0);
    expect(Number(plan.linesRemoved)).toBeGreaterThan(0);
    expect(ds('per-object').appUsers.plan).toMatchObject({ deactivatedLinksRead: 0, linesKept: 0, linesRemoved: 0 });
    expect(ds('per-parent').appUsers.plan).toMatchObject({ recordsRead: 0, deactivatedLinksRead: 0 });
    // The schedule: records known to be needed before the app links are read go out at once (every
    // record of an org read one by one; none where every app may yet be listed whole), the same requests.
    const early = (p: string) => ((ds(p).appUsers.plan as Raw).recordsStartedEarly ?? { beforeDeactivatedLinks: 0, asLinksCameIn: 0 }) as Record<string, number>;
    const started = (p: string) => early(p).beforeDeactivatedLinks + early(p).asLinksCameIn;
    expect(started('per-object')).toBeGreaterThan(0);
    expect(started('per-object')).toBeLessThanOrEqual(Number((ds('per-object').appUsers.plan as Raw).recordsRead));
    expect(started('per-parent')).toBe(0);
    // OAuth apps not granted refresh_token that held no refresh token in the base are not listed (still none).
    expect(Number((ds('auto').refreshTokens.plan as Raw).appsWithoutRefreshGrant)).toBeGreaterThan(0);
    expect(Number((ds('auto').refreshTokens.plan as Raw).appsRead)).toBeGreaterThan(0);
    expect(ds('per-object').userRoles.plan).toMatchObject({ assigneesListed: false });
    expect(ds('per-parent').userRoles.plan).toMatchObject({ assigneesListed: true });
    // The rule takes no more requests than either forced way, for each dataset it decides (for app
    // users: in the apps bucket, the app links being one request each in the users bucket).
    const appsBucket = (p: string) => Number(ds(p).appUsers.requests) - Number((ds(p).appUsers.plan as Raw).usersWithLinks) - Number((ds(p).appUsers.plan as Raw).deactivatedLinksRead);
    expect(appsBucket('auto'), 'appUsers').toBeLessThan(Math.min(appsBucket('per-object'), appsBucket('per-parent')));
    const req = (p: string) => Number(ds(p).userRoles.requests);
    expect(req('auto'), 'userRoles').toBeLessThanOrEqual(Math.min(req('per-object'), req('per-parent')));
  }, 300_000);

  test('an org that refuses app links: users only deactivated have their app users read one by one, and the delta equals the full collection', async () => {
    const full = join(root, 'full');
    okta.appLinks = false;
    try {
      const out = join(root, 'delta-nolinks');
      const m = await delta(out, 'auto');
      const entry = (m.datasets as Record<string, Raw>).appUsers;
      expect(entry.status).toBe('complete');
      // Joiners fall back to the apps filter; users only deactivated to their base lines, read.
      expect(entry.plan).toMatchObject({ linksVia: 'filter user.id', deactivatedByLinks: 0, linesKept: 0, linesRemoved: 0, linksRefused: expect.any(Number) });
      expect(Number((entry.plan as Raw).recordsRead) + Number((entry.plan as Raw).appsListed)).toBeGreaterThan(0);
      const got = await current(join(out, 'okta'), 'appUsers');
      const want = fullLines(join(full, 'okta'), 'appUsers');
      const diff = [...new Set([...got.keys(), ...want.keys()])].filter((k) => got.get(k) !== want.get(k));
      expect(diff).toEqual([]);
    } finally {
      okta.appLinks = true;
    }
  }, 300_000);

  test('a failed page of an app user list keeps that app’s lines and leaves appUsers partial', async () => {
    // An app with a lifecycle user's record in the base, listed whole (per-parent): its list fails.
    const baseLines = fullLines(join(base, 'okta'), 'appUsers');
    const deactivated = okta.data.users.filter((u) => u.status === 'DEPROVISIONED').map((u) => String(u.id));
    const app = [...baseLines.values()].map((l) => JSON.parse(l) as Raw).find((l) => deactivated.includes(String((l.appUser as Raw).id)))!.appId as string;
    const fault = okta.server.addFault({ match: (rq) => rq.path === `/api/v1/apps/${app}/users`, status: 500, body: { errorCode: 'E0000009', errorSummary: 'Internal Server Error' } });
    try {
      const out = join(root, 'delta-fault');
      const m = await delta(out, 'per-parent', ', retry: { maxAttempts: 1 }');
      expect(fault.fired).toBeGreaterThan(0);
      const entry = (m.datasets as Record<string, Raw>).appUsers;
      expect(entry.status).toBe('partial');
      expect(String(entry.reason)).toMatch(/500/);
      const got = await current(join(out, 'okta'), 'appUsers');
      const ofApp = (mp: Map<string, string>) => [...mp.keys()].filter((k) => k.startsWith(`${app}|`)).sort();
      expect(ofApp(got)).toEqual(ofApp(baseLines));
    } finally {
      okta.server.clearFaults();
    }
  }, 300_000);
});
