/**
 * The source registry, end to end: a source defined only in test/sources/badge (one folder) and
 * registered with one call loads through the real loader (its line schemas checked, its node
 * kinds in the snapshot), correlates with Entra and HR by the keys it declares, is swept by
 * `--all` through its account kind, and produces findings through the rule it brings — and the
 * catalogue's cross-source rules treat its accounts like any other. The built-in sources are
 * asked the same way.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SOURCES } from '../../ingest/sources.js';
import { resolveAccounts } from '../../queries/residual.js';
import { LazyGraph } from '../../src/store/LazyGraph.js';
import { loadInMemory } from '../../src/store/openGraph.js';
import { InputError } from '../../src/model/errors.js';
import { type CypherHelpers, type GraphView, type SourceDefinition, SourceRegistry } from '../../src/model/source.js';
import { ENTRA_TENANT, analyse, entraUser, guid, summary } from '../support/tenant.js';
import { DOORS, badgeCollection, holder } from './badge/collection.js';
import { BADGE_SOURCE, BadgeDoor, BadgeHolder } from './badge/source.js';
import { reachContext } from '../../src/model/reachContext.js';

describe('source registry', () => {
  beforeAll(() => {
    SOURCES.register(BADGE_SOURCE);
  });

  it('knows the built-in sources and the registered one, and refuses a second registration', () => {
    expect(SOURCES.kinds()).toEqual(['entra', 'okta', 'github', 'azure', 'hr', 'badge']);
    expect(SOURCES.accountSources()).toEqual(['entra', 'okta', 'github', 'badge']);
    expect(SOURCES.isAccountKind(BadgeHolder)).toBe(true);
    expect(SOURCES.sourceKey('badge', ' Site-1 ')).toBe('badge:site-1');
    expect(SOURCES.sourceKey('entra', 'AAAAAAAA-0000-4000-8000-000000000001')).toBe('entra:aaaaaaaa-0000-4000-8000-000000000001');
    expect(() => SOURCES.register(BADGE_SOURCE)).toThrow(/already registered/);
  });

  it('loads, correlates and sweeps the test source end to end, with a finding from its own rule', async () => {
    const e1 = guid(1);
    const dir = badgeCollection(
      {
        holders: [holder('H1', 'revoked', { employeeNumber: 'E1', revokedAt: '2026-10-20T00:00:00Z' }), holder('H2', 'active', { email: 'kim@contoso.com' })],
        doors: DOORS,
        grants: [
          { holderId: 'H1', doorId: 'D1' },
          { holderId: 'H1', doorId: 'D2' },
          { holderId: 'H2', doorId: 'D2' },
        ],
      },
      [entraUser(e1, { employeeId: 'E1' })],
    );
    const db = await loadInMemory([dir]);
    try {
      const g = new LazyGraph(db, null);
      // Loaded: its source, its node kinds, its names.
      expect(g.sources.map((s) => s.sourceKey).sort()).toEqual(['badge:site-1', `entra:${ENTRA_TENANT}`]);
      expect([...g.nodesOfKind(BadgeDoor)].map((n) => n.id).sort()).toEqual(['D1', 'D2']);
      expect(resolveAccounts(g, 'kim@contoso.com')).toEqual(['badge:site-1/holder/H2']);
      expect(resolveAccounts(g, 'badge:H1')).toEqual(['badge:site-1/holder/H1']);
      // Correlated: H1 and the Entra user share employee id E1 (strong).
      const links = g.out('badge:site-1/holder/H1', 'SAME_PERSON').concat(g.in('badge:site-1/holder/H1', 'SAME_PERSON'));
      expect(links.map((l) => l.props)).toEqual([{ key: 'employeeId', value: 'e1', strength: 'strong' }]);
    } finally {
      db.close();
    }

    const doc = await analyse(dir);
    // Swept: H1 is departed by its own source (revoked at revokedAt); H2 is not.
    const h1 = doc.subjects.find((s) => s.id === 'H1')!;
    expect(h1).toMatchObject({ source: 'badge', departed: true, disabled: true, departedBecause: ['status=revoked'], departedAt: '2026-10-20T00:00:00.000Z', departedAtFrom: 'revokedAt', closed: false });
    expect(doc.subjects.map((s) => s.id)).toEqual(['H1']);
    // Its own rule (both doors) and the catalogue's cross-source rule (the Entra account of the same person is active).
    expect(summary(doc)).toEqual([
      'badge.door-of-revoked-badge H1→D1 live medium',
      'badge.door-of-revoked-badge H1→D2 live medium',
      `person.other-account-active H1→${e1} live high`,
    ].sort());
    expect(doc.coverage['badge:site-1']).toMatchObject({ source: 'badge', complete: ['holders', 'doors', 'grants'], uncoveredRules: [] });
    expect(doc.persons).toEqual([expect.objectContaining({ closed: false, accounts: expect.arrayContaining([expect.objectContaining({ source: 'badge', id: 'H1' })]) })]);
  });

  it('an HR leaver departs an active badge; a partial dataset of the source is never read as closed', async () => {
    const hr = [{ employeeId: 'E7', email: null, displayName: 'Pat', status: 'terminated', terminationDate: '2026-10-01' }];
    const doc = await analyse(badgeCollection({ holders: [holder('H7', 'active', { employeeNumber: 'E7' })], doors: DOORS, grants: [] }, [], hr));
    expect(summary(doc)).toEqual(['hr.leaver-account-enabled H7→H7 live critical']);
    // No disable call declared for its account kind: an instruction naming the account and source, not another source's calls.
    expect(doc.findings[0].remediation).toEqual(['Disable the account H7 in Badge system (test source) (no disable call is declared for BadgeHolder)']);
    expect(doc.subjects[0]).toMatchObject({ source: 'badge', departedAt: '2026-10-01T00:00:00.000Z', departedAtFrom: 'HR terminationDate' });

    const partial = await analyse(
      badgeCollection({ holders: [holder('H8', 'revoked')], doors: DOORS, grants: [] }, [], [], { grants: { status: 'partial', count: 0, reason: 'door controller offline' } }),
    );
    expect(partial.findings).toEqual([]);
    expect(partial.subjects[0]).toMatchObject({ id: 'H8', departed: true, closed: false });
    expect(partial.coverage['badge:site-1'].uncoveredRules).toEqual(['badge.door-of-revoked-badge']);
  });

  it("checks the source's lines against its own schemas (file, line and field)", async () => {
    const dir = badgeCollection({ holders: [holder('H1', 'active'), { id: 'H2', status: 'lost' }], doors: DOORS, grants: [] }, []);
    const err = await loadInMemory([dir]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/badge\/holders\.jsonl:2: status/);
  });
});

describe('per-kind declarations the core reads', () => {
  it('scanned, generic and token-owner kinds come from the sources that declare them', () => {
    // The Neo4j store indexes these on `snapshot`: the seven kinds it always indexed are still there.
    expect(SOURCES.scannedKinds()).toEqual(
      expect.arrayContaining(['EntraUser', 'OktaUser', 'OktaIdentityProvider', 'EntraApplication', 'EntraServicePrincipal', 'EntraTenant', 'OktaOrg', 'GitHubUser']),
    );
    expect(new Set(SOURCES.scannedKinds()).size).toBe(SOURCES.scannedKinds().length);
    expect(SOURCES.isGenericKind('EntraDirectoryObject')).toBe(true);
    expect(SOURCES.isGenericKind('EntraUser')).toBe(false);
    expect(SOURCES.tokenOwnerProp('OktaApiToken')).toBe('userId');
    expect(SOURCES.tokenOwnerProp('OktaRefreshToken')).toBeUndefined();
    expect(SOURCES.account('EntraUser')!.account.disable!('u1')).toEqual(['PATCH /users/u1 {"accountEnabled":false}', 'POST /users/u1/revokeSignInSessions']);
    expect(SOURCES.account('OktaUser')!.account.disable!('o1')).toEqual(['POST /api/v1/users/o1/lifecycle/suspend', 'POST /api/v1/users/o1/lifecycle/deactivate (removes app assignments and admin roles)']);
  });
});

describe('a source extends another source’s named reach', () => {
  const base = (label: string) => ({ tier0: false, privileged: true, privileges: [{ label, tier0: false, type: 'role' as const, via: label }] });
  const def = (kind: string, privileges: SourceDefinition['privileges']): SourceDefinition => ({ ...BADGE_SOURCE, kind, accounts: [], records: [], rules: [], capabilities: undefined, privileges });
  const steps = { steps: {}, privilegeOf: () => null };

  it('merges the extension into the base in both engines, whichever registers first', () => {
    const r = new SourceRegistry();
    r.register(def('ext', { ...steps, extends: { thing: { of: () => base('B'), cypher: (x, o) => `CALL (${x}) { RETURN ['b'] AS ${o} }` } } }));
    r.register(def('own', { ...steps, reach: { thing: { of: () => base('A'), cypher: (x, o) => `CALL (${x}) { RETURN ['a'] AS ${o} }` } } }));
    const g = { node: () => undefined, out: () => [], in: () => [] } as unknown as GraphView;
    expect(r.reach('thing').of(g, 'k', reachContext([], 0)).privileges.map((p) => p.label)).toEqual(['A', 'B']);
    const cypher = r.reach('thing').cypher!('x', 'facts', {} as CypherHelpers);
    expect(cypher).toContain("RETURN ['a'] AS facts_0");
    expect(cypher).toContain("RETURN ['b'] AS facts_1");
    expect(cypher).toMatch(/RETURN facts_0 \+ facts_1 AS facts\n}$/);
  });

  it('refuses an extension without the Cypher form its base has', () => {
    const r = new SourceRegistry();
    r.register(def('own', { ...steps, reach: { thing: { of: () => base('A'), cypher: (x, o) => `CALL (${x}) { RETURN [] AS ${o} }` } } }));
    r.register(def('ext', { ...steps, extends: { thing: { of: () => base('B') } } }));
    expect(() => r.reach('thing')).toThrow(/extension of reach thing has no Cypher form/);
  });
});
