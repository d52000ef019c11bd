/**
 * The github.* rules on small tenants: borrowed departure only through a link the IdP asserts
 * (in the Entra tenant the SAML issuer names), the SAML window and its end, unknown enforcement,
 * a what-if on the IdP account, an identity asserted to be two accounts (linked to neither), and
 * coverage across sources (an incomplete GitHub or Entra dataset leaves the rules uncovered and
 * nobody closed).
 */
import { describe, expect, it } from 'vitest';
import { GLOBAL_ADMINISTRATOR, USER_ADMINISTRATOR, saml, tenant, workloadTenant } from '../support/githubTenants.js';
import { AT, analyseSpec, summary } from '../support/tenant.js';

describe('github rules', () => {
  it('SAML enforced: window until D + 24 h, then dormant; an enabled linked account departs nothing', async () => {
    expect(summary(await analyseSpec(tenant('enforced'), { all: true, at: Date.parse(AT) }))).toEqual(['github.departed-member 1→9 window medium until 2026-11-01T20:00:00.000Z']);
    const later = await analyseSpec(tenant('enforced'), { all: true, at: Date.parse('2026-11-02T00:00:00Z') });
    expect(summary(later)).toEqual(['github.departed-member 1→9 dormant low']);
  });

  it('not enforced: live; unknown: unverified', async () => {
    expect(summary(await analyseSpec(tenant('configured')))).toEqual(['github.departed-member 1→9 live medium']);
    expect(summary(await analyseSpec(tenant('unknown')))).toEqual(['github.departed-member 1→9 unverified medium']);
  });

  it('a what-if on the linked Entra account departs the GitHub account (an org owner: tier 0)', async () => {
    const doc = await analyseSpec(tenant('configured'), { all: true, assumeDeparted: ['entra:aaaaaaaa-0000-0000-0000-000000000002'] });
    expect(summary(doc, 'github.departed-member')).toEqual(['github.departed-member 1→9 live medium', 'github.departed-member 2→9 live critical']);
  });

  it('links only what the IdP asserts in the tenant its issuer names; an identity asserted to be two accounts links neither', async () => {
    const otherTenant = tenant('configured', { samlIdentities: [saml(1, 'ann-gh', 'ann@x.com', 'https://sts.windows.net/99999999-9999-9999-9999-999999999999/')] });
    expect(summary(await analyseSpec(otherTenant))).toEqual([]);
    const okta = tenant('configured', { samlIdentities: [saml(1, 'ann-gh', 'ann@x.com', 'http://www.okta.com/exk1')] });
    expect(summary(await analyseSpec(okta))).toEqual([]);
    const conflict = tenant('configured');
    conflict.github!.samlIdentities = [{ ...saml(1, 'ann-gh', 'ann@x.com'), scimIdentity: { username: 'ben@x.com' } }];
    const doc = await analyseSpec(conflict);
    expect(summary(doc)).toEqual([]);
    expect(doc.subjects.some((s) => s.source === 'github')).toBe(false);
  });

  it('an incomplete dataset of either source leaves the github rules uncovered and nobody closed', async () => {
    const partial = tenant('configured');
    partial.ledger = { github: { credentialAuthorizations: { status: 'partial', count: 0, reason: 'page 3 failed' } } };
    const doc = await analyseSpec(partial);
    expect(doc.coverage['github:acme'].uncoveredRules).toEqual(['github.sso-credential-of-departed', 'github.workflow-federated-credential']);
    expect(doc.subjects.find((s) => s.source === 'github')!.closed).toBe(false);
    const entraPartial = tenant('configured');
    entraPartial.ledger = { entra: { users: { status: 'partial', count: 2, reason: 'throttled' } } };
    const doc2 = await analyseSpec(entraPartial);
    expect(doc2.coverage['github:acme'].uncoveredRules).toContain('github.departed-member');
  });

  it('credentials, PATs, deploy keys and apps of a departed account; expired, disabled and org-owned ones are not', async () => {
    const spec = tenant('enforced', {
      repositories: [{ id: 70, full_name: 'acme/app' }],
      credentialAuthorizations: [
        { login: 'ANN-gh', credential_id: 5, credential_type: 'SSH key', authorized_credential_expires_at: null },
        { login: 'ann-gh', credential_id: 6, credential_type: 'personal access token', authorized_credential_expires_at: '2026-10-01T00:00:00Z' },
      ],
      personalAccessTokens: [
        { id: 40, owner: { id: 1, login: 'ann-gh' }, token_expires_at: '2027-01-01T00:00:00Z', token_expired: false, permissions: { organization: { administration: 'write' } } },
        { id: 41, owner: { id: 1, login: 'ann-gh' }, token_expires_at: '2027-01-01T00:00:00Z', token_expired: true },
      ],
      deployKeys: [
        { repoId: 70, key: { id: 1, added_by: 'ann-gh', read_only: true, enabled: true } },
        { repoId: 70, key: { id: 2, added_by: 'ann-gh', read_only: false, enabled: false } },
      ],
      apps: [{ id: 600, slug: 'tool', name: 'Tool', owner: { id: 1, login: 'ann-gh', type: 'User' } }],
      appInstallations: [{ id: 800, app_id: 600, app_slug: 'tool', permissions: { contents: 'read' } }],
    });
    const doc = await analyseSpec(spec);
    expect(summary(doc)).toEqual([
      'github.app-owned-by-departed 1→800 live medium',
      'github.departed-member 1→9 window medium until 2026-11-01T20:00:00.000Z',
      'github.deploy-key-by-departed 1→70/1 live medium',
      'github.fine-grained-pat-of-departed 1→40 live high until 2027-01-01T00:00:00.000Z',
      'github.sso-credential-of-departed 1→5 live medium',
    ]);
    expect(doc.findings.find((f) => f.rule === 'github.sso-credential-of-departed')!.remediation).toEqual(['DELETE /orgs/acme/credential-authorizations/5']);
  });

  it('admin on a repository whose workflows sign in as a tier-0 application is tier 0 itself (the workload path)', async () => {
    const ga = await analyseSpec(workloadTenant(GLOBAL_ADMINISTRATOR));
    const member = ga.findings.find((f) => f.rule === 'github.departed-member')!;
    expect(member.reaches.tier0).toBe(true);
    expect(member.reaches.privileges).toContain('GitHub repository admin: acme/infra (its workflows sign in with tier 0)');
    expect(member.severity).toBe('critical');
    // User Administrator is an admin role, not tier 0: the repository stays an admin role.
    const ua = await analyseSpec(workloadTenant(USER_ADMINISTRATOR));
    expect(ua.findings.find((f) => f.rule === 'github.departed-member')!.reaches.tier0).toBe(false);
  });
});
