/**
 * `synthesize`: determinism, the collection format (every dataset present and complete, counts
 * right, every line accepted by the project's collection reader), the ground truth's format and
 * coverage of every rule, negative controls, unique well-formed ids, resolvable references, and
 * an independent re-derivation from the files of who is departed (correlation included), which
 * must equal the subjects of expected.json: nothing outside the planted leavers is departed.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ENTRA_DATASETS } from '../../ingest/entra/datasets.js';
import { HR_DATASETS } from '../../ingest/hr/datasets.js';
import { OKTA_DATASETS } from '../../ingest/okta/datasets.js';
import { datasetFiles, openCollection, readDataset } from '../../ingest/collection/openCollection.js';
import { RULE_IDS } from '../../ingest/synth/catalogue.js';
import { type SynthResult, synthesize } from '../../ingest/synth/synthesize.js';
import { InputError } from '../../src/model/errors.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { ROOT, type Raw, departedFromFiles, hashFolder, readLines, tempDir } from './helpers.js';

const USERS = 2000;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const OKTA_ID = /^[0-9A-Za-z]{20}$/;

let dirA: string;
let dirB: string;
let dirC: string;
let a: SynthResult;
let expected: {
  at: string;
  findings: { rule: string; subject: string; via: string; status: string; severity: string; validUntil: string | null }[];
  optional: unknown[];
  closed: string[];
  notClosed: string[];
  uncoveredRules: Record<string, unknown>;
  args: unknown[];
};

const lines = (source: string, dataset: string) => readLines(join(dirA, source, `${dataset}.jsonl`));

beforeAll(async () => {
  dirA = tempDir();
  dirB = tempDir();
  dirC = tempDir();
  a = await synthesize({ users: USERS, seed: 42, out: dirA });
  await synthesize({ users: USERS, seed: 42, out: dirB });
  await synthesize({ users: USERS, seed: 43, out: dirC });
  expected = JSON.parse(readFileSync(a.expectedPath, 'utf8'));
});

afterAll(() => {
  for (const d of [dirA, dirB, dirC]) rmSync(d, { recursive: true, force: true });
});

describe('synthesize', () => {
  test('same users and seed give byte-identical files; another seed gives other bytes', () => {
    const ha = hashFolder(dirA);
    const hb = hashFolder(dirB);
    const hc = hashFolder(dirC);
    expect([...ha.keys()].length).toBeGreaterThan(30);
    expect(hb).toEqual(ha);
    let differing = 0;
    for (const [k, v] of ha) if (hc.get(k) !== v) differing++;
    expect(differing).toBeGreaterThan(30);
  });

  test('every dataset of the format is present and complete, with the right count', () => {
    for (const [source, names] of [
      ['entra', ENTRA_DATASETS],
      ['okta', OKTA_DATASETS],
      ['hr', HR_DATASETS],
    ] as const) {
      const m = JSON.parse(readFileSync(join(dirA, source, 'manifest.json'), 'utf8'));
      expect(m.format).toBe('revenant-collection/1');
      expect(m.source).toBe(source);
      expect(m.collectedAt).toBe('2026-11-01T00:00:00Z');
      expect(Object.keys(m.datasets).sort()).toEqual([...names].sort());
      for (const name of names) {
        expect(m.datasets[name].status, `${source}/${name}`).toBe('complete');
        expect(m.datasets[name].count, `${source}/${name}`).toBe(readLines(join(dirA, source, `${name}.jsonl`)).length);
        expect(a.stats.datasets[`${source}/${name}`]).toBe(m.datasets[name].count);
      }
    }
    for (const name of ['users', 'groups', 'groupMembers', 'applications', 'servicePrincipals', 'appRoleAssignments', 'roleAssignments', 'roleEligibilitySchedules', 'directoryAudits', 'deletedUsers']) {
      expect(a.stats.datasets[`entra/${name}`], name).toBeGreaterThan(0);
    }
    for (const name of OKTA_DATASETS) expect(a.stats.datasets[`okta/${name}`], name).toBeGreaterThan(0);
  });

  test('the collection reader accepts every line of every dataset', async () => {
    const c = openCollection(dirA);
    expect(c.sources.map((s) => s.source).sort()).toEqual(['entra', 'hr', 'okta']);
    let total = 0;
    for (const s of c.sources) {
      for (const df of datasetFiles(s)) {
        expect(df.ledger.status, df.file).toBe('complete');
        for await (const _ of readDataset(df)) total++;
      }
    }
    expect(total).toBe(a.stats.lines);
  });

  test('expected.json has the scenario format and every rule of the catalogue', () => {
    expect(expected.at).toBe('2026-11-01T00:00:00Z');
    expect(expected.optional).toEqual([]);
    expect(expected.uncoveredRules).toEqual({});
    expect(expected.args).toEqual([]);
    const rules = new Set(expected.findings.map((f) => f.rule));
    // The github.* and azure.* rules are planted with --github/--azure (test/synth/resources.test.ts).
    for (const r of RULE_IDS.filter((x) => !x.startsWith('github.') && !x.startsWith('azure.'))) expect(rules.has(r), r).toBe(true);
    const statuses = new Set(expected.findings.map((f) => f.status));
    expect([...statuses].sort()).toEqual(['dormant', 'live', 'unverified', 'window']);
    const severities = new Set(expected.findings.map((f) => f.severity));
    expect([...severities].sort()).toEqual(['critical', 'high', 'low', 'medium']);
    const keys = new Set<string>();
    for (const f of expected.findings) {
      const k = `${f.rule}|${f.subject}|${f.via}`;
      expect(keys.has(k), k).toBe(false);
      keys.add(k);
      expect(f.validUntil === null || !Number.isNaN(Date.parse(f.validUntil))).toBe(true);
      if (f.rule.includes('dormant') || f.rule === 'nhi.ownerless') expect(f.status).toBe('dormant');
      if (f.rule === 'hr.leaver-account-enabled') expect(f.severity).toBe('critical');
      if (f.status === 'window') expect(f.validUntil).not.toBeNull();
    }
    const subjects = new Set(expected.findings.map((f) => f.subject));
    expect(new Set(expected.notClosed)).toEqual(subjects);
    for (const id of expected.closed) expect(subjects.has(id)).toBe(false);
    expect(expected.closed.length).toBeGreaterThan(0);
    expect(a.stats.findings).toBe(expected.findings.length);
  });

  test('negative controls are planted beside the findings', () => {
    for (const name of [
      'entra.owned-credential-expired',
      'entra.owned-credential-added-after-departure',
      'entra.owned-credential-not-yet-valid',
      'nhi.active-co-owner',
      'entra.credential-event-key-already-listed',
      'entra.credential-event-other-activity',
      'entra.credential-added-expired',
      'entra.eligibility-expired',
      'entra.sessions-revoked-after-departure',
      'entra.sessions-revoked-departure-unknown',
      'okta.app-pushes-deactivation',
      'okta.app-password-not-known-to-user',
      'okta.refresh-token-revoked',
      'okta.refresh-token-expired',
      'okta.api-token-expired',
      'okta.service-app-without-roles-or-grants',
      'okta.service-credential-inactive',
      'okta.service-credential-created-after-event',
      'okta.service-event-other-type',
      'okta.credential-event-not-service-app',
      'okta.idp-does-not-reactivate',
      'okta.membership-built-in',
      'okta.membership-app-group',
      'person.other-account-not-usable',
      'person.other-account-reported-by-hr-rule',
    ]) {
      expect(a.stats.controls[name] ?? 0, name).toBeGreaterThan(0);
    }
    // In the files: future HR terminations and future leave dates on people who are not departed.
    const subjects = new Set([...expected.closed, ...expected.notClosed]);
    const at = Date.parse(expected.at);
    const future = lines('hr', 'people').filter((p) => p.status === 'terminated' && p.terminationDate && Date.parse(`${p.terminationDate}T00:00:00Z`) > at);
    expect(future.length).toBeGreaterThan(0);
    const leaveFuture = lines('entra', 'users').filter((u) => u.employeeLeaveDateTime && Date.parse(u.employeeLeaveDateTime as string) > at);
    expect(leaveFuture.length).toBeGreaterThan(0);
    for (const u of leaveFuture) expect(subjects.has(u.id as string)).toBe(false);
    // IdPs that do not bring accounts back, a BUILT_IN group, apps that push deactivation.
    const idps = lines('okta', 'idps');
    expect(idps.some((i) => JSON.stringify(i).includes('"deprovisioned":{"action":"NONE"},"suspended":{"action":"NONE"}'))).toBe(true);
    expect(lines('okta', 'groups').some((g) => g.type === 'BUILT_IN')).toBe(true);
    const features = lines('okta', 'appFeatures');
    expect(features.some((f) => JSON.stringify(f).includes('"lifecycleDeactivate":{"status":"DISABLED"}'))).toBe(true);
    expect(features.some((f) => JSON.stringify(f).includes('"lifecycleDeactivate":{"status":"ENABLED"}'))).toBe(true);
    // Shared mailboxes and re-enabled accounts: disable events that no longer mean departed.
    const audits = lines('entra', 'directoryAudits');
    expect(audits.some((e) => e.activityDisplayName === 'Enable account')).toBe(true);
    // An AllPrincipals consent, which is nobody's dormant consent.
    expect(lines('entra', 'oauth2PermissionGrants').some((g) => g.consentType === 'AllPrincipals')).toBe(true);
  });

  test('ids are unique and well-formed', () => {
    const unique = (label: string, ids: string[]) => {
      const seen = new Set<string>();
      for (const id of ids) {
        expect(seen.has(id), `${label}: duplicate ${id}`).toBe(false);
        seen.add(id);
      }
      return seen;
    };
    const objects = [
      ...lines('entra', 'users'),
      ...lines('entra', 'deletedUsers'),
      ...lines('entra', 'groups'),
      ...lines('entra', 'applications'),
      ...lines('entra', 'servicePrincipals'),
    ].map((o) => o.id as string);
    for (const id of objects) expect(id).toMatch(GUID);
    unique('entra directory objects', objects);
    const creds = [...lines('entra', 'applications'), ...lines('entra', 'servicePrincipals')].flatMap((o) =>
      [...((o.passwordCredentials as Raw[]) ?? []), ...((o.keyCredentials as Raw[]) ?? [])].map((c) => c.keyId as string),
    );
    for (const k of creds) expect(k).toMatch(GUID);
    unique('key ids', creds);
    unique('federated credentials', lines('entra', 'federatedIdentityCredentials').map((l) => (l.credential as Raw).id as string));
    for (const d of ['appRoleAssignments', 'oauth2PermissionGrants', 'roleAssignments', 'roleEligibilitySchedules', 'directoryAudits']) {
      unique(`entra ${d}`, lines('entra', d).map((l) => l.id as string));
    }
    unique('entra group members', lines('entra', 'groupMembers').map((l) => `${l.groupId}|${(l.member as Raw).id}`));
    unique('entra app role assignments', lines('entra', 'appRoleAssignments').map((l) => `${l.principalId}|${l.resourceId}|${l.appRoleId}`));

    const oktaObjects = [...lines('okta', 'users'), ...lines('okta', 'groups'), ...lines('okta', 'apps'), ...lines('okta', 'idps')].map((o) => o.id as string);
    for (const id of oktaObjects) expect(id).toMatch(OKTA_ID);
    unique('okta objects', oktaObjects);
    const prefixed: [string, string, (l: Raw) => string][] = [
      ['users', '00u', (l) => l.id as string],
      ['groups', '00g', (l) => l.id as string],
      ['apps', '0oa', (l) => l.id as string],
      ['apiTokens', '00T', (l) => l.id as string],
      ['refreshTokens', 'oar', (l) => l.id as string],
      ['appSecrets', 'ocs', (l) => (l.secret as Raw).id as string],
      ['appGrants', 'oag', (l) => l.id as string],
    ];
    for (const [d, prefix, id] of prefixed) {
      const ids = lines('okta', d).map(id);
      for (const x of ids) {
        expect(x, d).toMatch(OKTA_ID);
        expect(x.startsWith(prefix), `${d}: ${x}`).toBe(true);
      }
      unique(`okta ${d}`, ids);
    }
    unique('okta role assignments', [...lines('okta', 'userRoles'), ...lines('okta', 'clientRoles')].map((l) => (l.role as Raw).id as string));
    unique('okta group members', lines('okta', 'groupMembers').map((l) => `${l.groupId}|${(l.user as Raw).id}`));
    unique('okta app users', lines('okta', 'appUsers').map((l) => `${l.appId}|${(l.appUser as Raw).id}`));
    unique('okta logs', lines('okta', 'logs').map((l) => l.uuid as string));
    unique('hr employee ids', lines('hr', 'people').map((p) => String(p.employeeId).trim().toLowerCase()));
  });

  test('references resolve', () => {
    const users = new Set([...lines('entra', 'users'), ...lines('entra', 'deletedUsers')].map((u) => u.id as string));
    const groups = new Set(lines('entra', 'groups').map((g) => g.id as string));
    const apps = new Set(lines('entra', 'applications').map((x) => x.id as string));
    const sps = new Set(lines('entra', 'servicePrincipals').map((x) => x.id as string));
    const known = (ref: Raw) => {
      const t = ref['@odata.type'];
      if (t === '#microsoft.graph.device') return true;
      if (t === '#microsoft.graph.user') return users.has(ref.id as string);
      if (t === '#microsoft.graph.group') return groups.has(ref.id as string);
      return sps.has(ref.id as string);
    };
    for (const m of lines('entra', 'groupMembers')) expect(groups.has(m.groupId as string) && known(m.member as Raw)).toBe(true);
    for (const m of lines('entra', 'groupOwners')) expect(groups.has(m.groupId as string) && known(m.owner as Raw)).toBe(true);
    for (const m of lines('entra', 'applicationOwners')) expect(apps.has(m.applicationId as string) && known(m.owner as Raw)).toBe(true);
    for (const m of lines('entra', 'servicePrincipalOwners')) expect(sps.has(m.servicePrincipalId as string) && known(m.owner as Raw)).toBe(true);
    for (const m of lines('entra', 'federatedIdentityCredentials')) expect(apps.has(m.applicationId as string)).toBe(true);
    const principals = new Set([...users, ...groups, ...sps]);
    for (const x of lines('entra', 'appRoleAssignments')) expect(principals.has(x.principalId as string) && sps.has(x.resourceId as string)).toBe(true);
    for (const g of lines('entra', 'oauth2PermissionGrants')) {
      expect(sps.has(g.clientId as string) && sps.has(g.resourceId as string)).toBe(true);
      if (g.consentType === 'Principal') expect(users.has(g.principalId as string)).toBe(true);
    }
    const roleDefs = new Set(lines('entra', 'roleDefinitions').map((r) => r.id as string));
    for (const d of ['roleAssignments', 'roleEligibilitySchedules']) {
      for (const r of lines('entra', d)) expect(principals.has(r.principalId as string) && roleDefs.has(r.roleDefinitionId as string), `${d} ${r.id}`).toBe(true);
    }
    // Graph application permissions resolve through Microsoft Graph's appRoles.
    const graph = lines('entra', 'servicePrincipals').find((s) => s.appId === '00000003-0000-0000-c000-000000000000')!;
    const graphRoles = new Set((graph.appRoles as Raw[]).map((r) => r.id as string));
    for (const x of lines('entra', 'appRoleAssignments')) if (x.resourceId === graph.id) expect(graphRoles.has(x.appRoleId as string)).toBe(true);

    const oUsers = new Set(lines('okta', 'users').map((u) => u.id as string));
    const oGroups = new Set(lines('okta', 'groups').map((g) => g.id as string));
    const oApps = new Set(lines('okta', 'apps').map((x) => x.id as string));
    for (const m of lines('okta', 'groupMembers')) expect(oGroups.has(m.groupId as string) && oUsers.has((m.user as Raw).id as string)).toBe(true);
    for (const m of lines('okta', 'appUsers')) expect(oApps.has(m.appId as string) && oUsers.has((m.appUser as Raw).id as string)).toBe(true);
    for (const m of lines('okta', 'appGroups')) expect(oApps.has(m.appId as string) && oGroups.has((m.appGroup as Raw).id as string)).toBe(true);
    for (const t of [...lines('okta', 'apiTokens'), ...lines('okta', 'refreshTokens')]) expect(oUsers.has(t.userId as string)).toBe(true);
    for (const t of lines('okta', 'refreshTokens')) expect(oApps.has(t.clientId as string)).toBe(true);
    for (const r of lines('okta', 'userRoles')) expect(oUsers.has(r.userId as string)).toBe(true);
    for (const r of lines('okta', 'groupRoles')) expect(oGroups.has(r.groupId as string)).toBe(true);
    for (const r of lines('okta', 'clientRoles')) expect(oApps.has(r.clientId as string)).toBe(true);
    // Members of a group an app is assigned to are that app's GROUP-scoped users, and no one else is.
    const membersOf = new Map<string, Set<string>>();
    for (const m of lines('okta', 'groupMembers')) {
      const s = membersOf.get(m.groupId as string) ?? new Set<string>();
      s.add((m.user as Raw).id as string);
      membersOf.set(m.groupId as string, s);
    }
    const groupOfApp = new Map(lines('okta', 'appGroups').map((g) => [g.appId as string, (g.appGroup as Raw).id as string]));
    const scoped = new Map<string, Set<string>>();
    for (const u of lines('okta', 'appUsers')) {
      const au = u.appUser as Raw;
      if (au.scope !== 'GROUP') continue;
      const s = scoped.get(u.appId as string) ?? new Set<string>();
      s.add(au.id as string);
      scoped.set(u.appId as string, s);
    }
    for (const [app, group] of groupOfApp) expect(scoped.get(app) ?? new Set(), app).toEqual(membersOf.get(group) ?? new Set());
    for (const app of scoped.keys()) expect(groupOfApp.has(app)).toBe(true);
  });

  test('only planted accounts are departed, and correlation joins exactly the planned people', () => {
    const { departed, correlation } = departedFromFiles(dirA, Date.parse(expected.at));
    const subjects = new Set([...expected.closed, ...expected.notClosed]);
    expect([...departed].sort()).toEqual([...subjects].sort());
    expect(a.stats.departedSubjects).toBe(subjects.size);
    // No refused link bridges two employee ids through a record without one; the recycled
    // mail address (a new hire reusing a leaver's address) is refused directly.
    expect(correlation.bridges).toBe(0);
    expect(correlation.blocked.length).toBeGreaterThan(0);
    // At most one HR record per person.
    const hrPerPerson = new Map<number, number>();
    correlation.recs.forEach((r, i) => {
      if (r.source !== 'hr') return;
      const p = correlation.personOf(i);
      hrPerPerson.set(p, (hrPerPerson.get(p) ?? 0) + 1);
    });
    for (const n of hrPerPerson.values()) expect(n).toBe(1);
    // Every person.other-account-active names an account of the same person.
    const idx = new Map<string, number>();
    correlation.recs.forEach((r, i) => r.id && idx.set(r.id, i));
    for (const f of expected.findings.filter((x) => x.rule === 'person.other-account-active')) {
      expect(correlation.personOf(idx.get(f.subject)!)).toBe(correlation.personOf(idx.get(f.via)!));
    }
    // Guests correlate through mail, alt admin accounts through the employee id.
    expect(lines('entra', 'users').some((u) => String(u.userPrincipalName).includes('#EXT#'))).toBe(true);
    expect(lines('entra', 'users').some((u) => /\.adm@/.test(String(u.userPrincipalName)) && u.employeeId)).toBe(true);
  });

  test('--at moves the whole tenant and the ground truth with it', async () => {
    const dir = tempDir();
    try {
      const r = await synthesize({ users: 300, seed: 9, out: dir, at: '2027-03-15T12:00:00Z' });
      expect(r.stats.at).toBe('2027-03-15T12:00:00Z');
      const e = JSON.parse(readFileSync(r.expectedPath, 'utf8'));
      expect(e.at).toBe('2027-03-15T12:00:00Z');
      expect(JSON.parse(readFileSync(join(dir, 'okta', 'manifest.json'), 'utf8')).collectedAt).toBe('2027-03-15T12:00:00Z');
      const at = Date.parse(e.at);
      for (const ev of readLines(join(dir, 'entra', 'directoryAudits.jsonl'))) expect(Date.parse(ev.activityDateTime as string)).toBeLessThanOrEqual(at);
      for (const ev of readLines(join(dir, 'okta', 'logs.jsonl'))) expect(Date.parse(ev.published as string)).toBeLessThanOrEqual(at);
      const { departed } = departedFromFiles(dir, at);
      expect([...departed].sort()).toEqual([...e.closed, ...e.notClosed].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('bad options are input errors; a folder that is not a synthetic collection is refused', async () => {
    const dir = tempDir();
    try {
      await expect(synthesize({ users: 10, seed: 1, out: dir })).rejects.toBeInstanceOf(InputError);
      await expect(synthesize({ users: 1.5, seed: 1, out: dir })).rejects.toBeInstanceOf(InputError);
      await expect(synthesize({ users: 100, seed: '', out: dir })).rejects.toBeInstanceOf(InputError);
      await expect(synthesize({ users: 100, seed: 1, out: dir, at: 'yesterday' })).rejects.toBeInstanceOf(InputError);
      await expect(synthesize({ users: 100, seed: 1, out: join(ROOT, 'package.json') })).rejects.toBeInstanceOf(InputError);
      const foreign = tempDir();
      writeFileSync(join(foreign, 'notes.txt'), 'keep me');
      await expect(synthesize({ users: 100, seed: 1, out: foreign })).rejects.toBeInstanceOf(InputError);
      expect(readFileSync(join(foreign, 'notes.txt'), 'utf8')).toBe('keep me');
      rmSync(foreign, { recursive: true, force: true });
      // A real collection (entra/ with a collector's manifest) is never replaced.
      const real = tempDir();
      mkdirSync(join(real, 'entra'));
      writeFileSync(join(real, 'entra', 'manifest.json'), JSON.stringify({ format: 'revenant-collection/1', source: 'entra', tenant: 't', collectedAt: '2026-11-01T00:00:00Z', datasets: {} }));
      await expect(synthesize({ users: 100, seed: 1, out: real })).rejects.toBeInstanceOf(InputError);
      expect(existsSync(join(real, 'entra', 'manifest.json'))).toBe(true);
      rmSync(real, { recursive: true, force: true });
      // A previous synthetic collection is replaced.
      await synthesize({ users: 100, seed: 1, out: dir });
      await synthesize({ users: 100, seed: 2, out: dir });
      expect(existsSync(join(dir, 'expected.json'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
