/**
 * The fakes' indexed lookups (GraphFake and OktaFake `indexedLookups`, filterExpr's EqIndex, which
 * the events benchmark turns on) answer exactly as the scans they replace: the same items in the
 * same order for the filter forms the collectors send, a list grown since the index was built
 * included, and indexes built ahead (warmIndexes); and a per-subject collection read with them on holds the same lines and made the same
 * requests as one read with them off.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EqIndex, compileFilter, requiredEqTerms } from '../fakes/filterExpr.js';
import { GraphFake } from '../fakes/GraphFake.js';
import { OktaFake } from '../fakes/OktaFake.js';
import { loadScenario } from '../fakes/scenarioTenants.js';
import { SCENARIOS, ensureBuilt, readSource, runCli, tempDir } from './helpers.js';

type Raw = Record<string, unknown>;

beforeAll(() => ensureBuilt(), 300_000);

describe('EqIndex', () => {
  const items: Raw[] = [
    { id: 'a', mail: 'Ann@x.com', employeeId: 'E1', principalId: 'p1', activityDisplayName: 'Disable account', initiatedBy: { user: { id: 'u1' } } },
    { id: 'b', mail: 'bob@x.com', employeeId: 'E2', principalId: 'p1', activityDisplayName: 'Add owner', initiatedBy: { user: { id: 'u2' } } },
    { id: 'c', mail: 'ann@x.com', employeeId: 'E1', principalId: 'p2', activityDisplayName: 'Disable account', initiatedBy: { user: { id: 'u1' } } },
    { id: 'd', mail: null, employeeId: 7, principalId: 'p3', when: '2026-01-01T00:00:00Z' },
  ];
  const paths = ['id', 'mail', 'employeeId', 'principalId', 'activityDisplayName', 'initiatedBy/user/id', 'when'];
  const filters = [
    "mail eq 'ann@x.com'",
    "employeeId eq 'E1' or mail eq 'bob@x.com'",
    "principalId eq 'p1'",
    "initiatedBy/user/id eq 'u1' and (activityDisplayName eq 'Disable account' or startswith(activityDisplayName,'Add'))",
    "targetResources/any(t:t/id eq 'a') and activityDisplayName eq 'Disable account'",
    "mail eq 'nobody@x.com'",
    "not mail eq 'ann@x.com'",
    "when eq 2026-01-01T00:00:00.000Z",
    'employeeId eq 7',
  ];
  const ix = new EqIndex();

  test.each(filters)('%s: the same items, in order, as a scan', (f) => {
    expect(ix.filter(items, f, paths)).toEqual(items.filter(compileFilter(f)));
  });

  test('a list grown after the index was built is indexed again', () => {
    const list = [...items];
    expect(ix.filter(list, "mail eq 'eve@x.com'", paths)).toEqual([]);
    list.push({ id: 'e', mail: 'EVE@x.com' });
    expect(ix.filter(list, "mail eq 'eve@x.com'", paths).map((o) => o.id)).toEqual(['e']);
  });

  test('only plain string equalities are required terms', () => {
    expect(requiredEqTerms("mail eq 'A' or userPrincipalName eq 'b'")).toEqual([
      { path: 'mail', value: 'a' },
      { path: 'userPrincipalName', value: 'b' },
    ]);
    expect(requiredEqTerms("mail eq 'a' or startswith(mail,'b')")).toBeNull();
    expect(requiredEqTerms("not mail eq 'a'")).toBeNull();
    expect(requiredEqTerms('when eq 2026-01-01T00:00:00Z')).toBeNull();
    // The first operand of the top-level `and` on the given paths.
    expect(requiredEqTerms('(eventType eq "x" or eventType eq "y") and actor.id eq "u"', ['actor.id'])).toEqual([{ path: 'actor.id', value: 'u' }]);
  });
});

/** A source folder's lines, and the requests (method, path, query — the System Log window's end, now, left out) the fake logged since `from`, sorted. */
function outcome(dir: string, log: { method: string; path: string; rawQuery?: string }[], from: number) {
  return {
    lines: readSource(dir).lines,
    requests: log
      .slice(from)
      .map((l) => `${l.method} ${l.path}?${(l.rawQuery ?? '').replace(/until=[^&]*/, '')}`)
      .sort(),
  };
}

describe('per-subject collections read the same with indexed lookups', () => {
  const e = loadScenario(join(SCENARIOS, 'entra-hybrid-and-alt-accounts'));
  const graph = new GraphFake(e.entra!.data);
  const o = loadScenario(join(SCENARIOS, 'okta-lifecycle'));
  const okta = new OktaFake(o.okta!.data);
  okta.apiTokens.add('00tok');
  beforeAll(async () => {
    await graph.start();
    await okta.start();
  });
  afterAll(async () => {
    await graph.stop();
    await okta.stop();
  });

  const entraSubjects = [...new Set((e.expected.findings as Raw[]).map((f) => String(f.subject)))];
  test.each(entraSubjects)('entra %s (by mail when it has one)', async (id) => {
    const user = e.entra!.data.users.find((u) => u.id === id) ?? e.entra!.data.deletedUsers.find((u) => u.id === id)!;
    const subject = String(user.mail ?? user.userPrincipalName ?? id);
    const read = async (indexed: boolean) => {
      graph.indexedLookups = indexed;
      // As the events benchmark: indexed before the reads (warmIndexes), same answers.
      if (indexed) graph.warmIndexes();
      const out = tempDir();
      const from = graph.server.log.length;
      const r = await runCli(['collect', 'entra', '--tenant', e.entra!.manifest.tenant, '--graph-url', graph.url, '--out', out, '--subject', subject], {
        env: { REVENANT_GRAPH_TOKEN: graph.issueToken() },
      });
      expect(r.code, r.stderr).toBe(0);
      return outcome(join(out, 'entra'), graph.server.log, from);
    };
    const scanned = await read(false);
    const indexed = await read(true);
    expect(indexed).toEqual(scanned);
    expect(Object.values(scanned.lines).flat().length).toBeGreaterThan(0);
  }, 60_000);

  const oktaSubjects = [...new Set((o.expected.findings as Raw[]).map((f) => String(f.subject)))];
  test.each(oktaSubjects)('okta %s (by login)', async (id) => {
    const user = o.okta!.data.users.find((u) => u.id === id)!;
    const subject = String((user.profile as Raw).login);
    const read = async (indexed: boolean) => {
      okta.indexedLookups = indexed;
      if (indexed) okta.warmIndexes();
      const out = tempDir();
      const from = okta.server.log.length;
      const r = await runCli(['collect', 'okta', '--org-url', okta.url, '--out', out, '--subject', subject, '--since', '2025-01-01'], { env: { OKTA_CLIENT_TOKEN: '00tok' } });
      expect(r.code, r.stderr).toBe(0);
      return outcome(join(out, 'okta'), okta.server.log, from);
    };
    const scanned = await read(false);
    const indexed = await read(true);
    expect(indexed).toEqual(scanned);
    expect(scanned.lines.users?.length).toBeGreaterThan(0);
  }, 60_000);
});
