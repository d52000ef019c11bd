/**
 * Cypher is always parameterized: a tenant whose ids, names, logins, employee ids and labels are
 * full of quotes, backticks, braces, parentheses, comments and Cypher keywords goes through load,
 * residual access (sweep, named subjects, what-if), blast radius and paths on Neo4j; every query
 * text sent to the server is recorded and none contains any of those values; the answers equal
 * the embedded engine's; and nothing outside the snapshot was touched.
 */
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blastRadius } from '../../queries/blast-radius.js';
import { blastRadiusNeo4j } from '../../queries/blast-radius.cypher.js';
import { findPaths } from '../../queries/paths.js';
import { findPathsNeo4j } from '../../queries/paths.cypher.js';
import { runResidual } from '../../queries/residual.js';
import { runResidualNeo4j } from '../../queries/residual.cypher.js';
import { openTestDriver } from '../support/neo4j.js';
import { AT, type Raw, appUser, entraUser, oktaApp, oktaUser, secret, writeTenant } from '../support/tenant.js';
import { blastDifferences, both, docDifferences, pair, pathDifferences } from './support.js';

/** Every hostile value carries the marker, so a query text that contains data is easy to spot. */
const M = 'ZQX';
const hostile = {
  suspended: `00u${M}'"\`}) MATCH (n) DETACH DELETE n //`,
  active: `MATCH (n) RETURN n ${M} UNION CALL db.clearQueryCaches()`,
  group: `grp${M}\`DROP CONSTRAINT revenant_node_key\``,
  app: `0oa${M}\${x} {key: 'x'} } ] ) ; // /* */`,
  token: `tok${M}'; CALL { MATCH (n) DELETE n } //`,
  role: `ra${M}{\`}' OR 1=1`,
  idp: `0oi${M}") WITH * MERGE (x:Evil) RETURN x //`,
  employee: `E-1${M} }) RETURN 1 //`,
  login: `o'brien\`{${M}}@example.com`,
  entraName: `Robert'); DROP TABLE Students;-- ${M}`,
  upn: `o'neil\`}{${M}@contoso.com`,
  appName: `\`CREATE (x:Evil)\` ${M}`,
  secretName: `secret ' " \` { } ${M}`,
  hrId: `HR{${M}}'"`,
};
const entraId = 'aaaaaaaa-0000-4000-8000-000000000001';
const entraApp = 'aaaaaaaa-0000-4000-8000-000000000002';
const entraSp = 'aaaaaaaa-0000-4000-8000-000000000003';
const keyId = 'aaaaaaaa-0000-4000-8000-000000000004';

function hostileTenant(): string {
  const okta: Record<string, Raw[]> = {
    users: [
      oktaUser(hostile.suspended, 'SUSPENDED', { credentials: { provider: { type: 'FEDERATION', name: 'x' } } }, { login: hostile.login, email: hostile.login, employeeNumber: hostile.employee }),
      oktaUser(hostile.active, 'ACTIVE', {}, { login: `alt${M}@example.com`, email: `alt${M}@example.com`, employeeNumber: hostile.employee }),
    ],
    groups: [{ id: hostile.group, type: 'OKTA_GROUP', profile: { name: `ops ${hostile.group}` } }],
    groupMembers: [{ groupId: hostile.group, user: { id: hostile.suspended } }],
    groupRoles: [{ groupId: hostile.group, role: { id: hostile.role, type: 'SUPER_ADMIN', status: 'ACTIVE', label: hostile.role } }],
    apps: [oktaApp(hostile.app, { label: hostile.app, signOnMode: 'AUTO_LOGIN', credentials: { scheme: 'EDIT_USERNAME_AND_PASSWORD' } })],
    appUsers: [appUser(hostile.app, hostile.suspended, { externalId: `ext${M}'"\`` })],
    apiTokens: [{ id: hostile.token, name: hostile.token, userId: hostile.suspended, expiresAt: '2027-01-01T00:00:00.000Z' }],
    idps: [
      {
        id: hostile.idp,
        type: 'SAML2',
        name: hostile.idp,
        status: 'ACTIVE',
        policy: { provisioning: { conditions: { deprovisioned: { action: 'REACTIVATE' }, suspended: { action: 'UNSUSPEND' } } } },
      },
    ],
  };
  const entra: Record<string, Raw[]> = {
    users: [entraUser(entraId, { accountEnabled: false, displayName: hostile.entraName, userPrincipalName: hostile.upn, mail: hostile.login, employeeId: hostile.employee })],
    applications: [{ id: entraApp, appId: 'aaaaaaaa-0000-4000-8000-000000000005', displayName: hostile.appName, passwordCredentials: [{ ...secret(keyId, '2026-01-01T00:00:00Z', '2027-06-01T00:00:00Z'), displayName: hostile.secretName }], keyCredentials: [] }],
    servicePrincipals: [{ id: entraSp, appId: 'aaaaaaaa-0000-4000-8000-000000000005', displayName: hostile.appName, appRoles: [] }],
    applicationOwners: [{ applicationId: entraApp, owner: { '@odata.type': '#microsoft.graph.user', id: entraId } }],
  };
  const hr: Record<string, Raw[]> = {
    people: [{ employeeId: hostile.employee, email: hostile.login, displayName: hostile.hrId, status: 'terminated', terminationDate: '2026-10-01' }],
  };
  return writeTenant({ okta, entra, hr });
}

let driver: Driver;
const queries: string[] = [];

/** The test driver, recording every query text it sends. */
function recording(d: Driver): Driver {
  return new Proxy(d, {
    get(target, prop, receiver) {
      if (prop === 'executeQuery') {
        return (query: string, ...rest: unknown[]) => {
          queries.push(query);
          return (target.executeQuery as (...a: unknown[]) => unknown)(query, ...rest);
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

beforeAll(() => {
  driver = recording(openTestDriver());
});
afterAll(async () => {
  await driver?.close();
});

describe('Cypher is parameterized', () => {
  it('hostile ids and names never reach query text, and both engines agree on them', async () => {
    const p = await pair(driver, [hostileTenant()]);
    try {
      const at = Date.parse(AT);
      const sweep = { all: true, at };
      const e = runResidual(p.graph, sweep);
      const n = await runResidualNeo4j(p.snap, sweep);
      expect(docDifferences(e, n)).toEqual([]);
      // The hostile values did arrive, verbatim, as data.
      expect(n.findings.map((f) => f.via.id)).toEqual(expect.arrayContaining([hostile.app, hostile.token, hostile.role, hostile.group, hostile.idp, keyId]));
      expect(n.subjects.map((s) => s.id)).toEqual(expect.arrayContaining([hostile.suspended, entraId]));

      for (const opts of [
        { subjects: [`okta:${hostile.suspended}`], at },
        { subjects: [hostile.login, hostile.upn, hostile.employee], at },
        { assumeDeparted: [hostile.active], at },
        { subjects: [`${hostile.active} nobody`], at },
      ]) {
        const r = await both(() => runResidual(p.graph, opts), () => runResidualNeo4j(p.snap, opts));
        expect(r.mismatch, JSON.stringify(opts)).toBeUndefined();
        if (r.e && r.n) expect(docDifferences(r.e, r.n)).toEqual([]);
      }
      for (const principal of [`okta:${hostile.suspended}`, hostile.app, hostile.group, `okta:${hostile.token}`, hostile.appName, hostile.upn]) {
        const br = await both(() => blastRadius(p.graph, principal), () => blastRadiusNeo4j(p.snap, principal));
        expect(br.mismatch, principal).toBeUndefined();
        if (br.e && br.n) expect(blastDifferences(br.e, br.n)).toEqual([]);
        for (const to of ['tier0', hostile.role, hostile.app]) {
          const ps = await both(() => findPaths(p.graph, principal, to), () => findPathsNeo4j(p.snap, principal, to));
          expect(ps.mismatch, `${principal} → ${to}`).toBeUndefined();
          if (ps.e && ps.n) expect(pathDifferences(ps.e, ps.n)).toEqual([]);
        }
      }
      // Every node of the snapshot, and only those, is in Neo4j under its id.
      const counted = await driver.executeQuery('MATCH (n:RevenantNode {snapshot: $id}) RETURN count(n) AS n', { id: p.id });
      expect(Number(counted.records[0].get('n'))).toBe((p.db.db.prepare('SELECT count(*) AS n FROM nodes').get() as { n: number }).n);
    } finally {
      await p.close();
    }
    // Nothing was created or deleted outside the snapshot (other suites may be writing: only look for ours).
    const evil = await driver.executeQuery('MATCH (n:Evil) RETURN count(n) AS n');
    expect(Number(evil.records[0].get('n'))).toBe(0);
    const left = await driver.executeQuery('MATCH (n:RevenantNode {snapshot: $id}) RETURN count(n) AS n', { id: p.id });
    expect(Number(left.records[0].get('n'))).toBe(0);

    expect(queries.length).toBeGreaterThan(20);
    const leaked = queries.filter((q) => q.includes(M));
    expect(leaked).toEqual([]);
    for (const v of Object.values(hostile)) for (const q of queries) expect(q.includes(v)).toBe(false);
  });
});
