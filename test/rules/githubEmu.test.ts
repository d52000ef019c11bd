/**
 * Enterprise Managed Users (sources-github.md "Departure"): a managed account is departed when
 * SCIM suspended it (`active == false`) or its linked Entra account (SCIM `externalId`) is
 * departed; D is the audit log's `user.suspend`, else the linked D; a suspended account is
 * IdP-blocked, so the rules read it `dormant` (reprovisioning restores it). When what decides
 * suspension is missing — the SCIM dataset incomplete, or an account whose SCIM identity cannot be
 * joined — findings are `unverified` or the rules uncovered, and nobody is closed.
 */
import { describe, expect, it } from 'vitest';
import { JACK, emuTenant, saml } from '../support/githubTenants.js';
import { analyseSpec, summary } from '../support/tenant.js';

const jack = (doc: Awaited<ReturnType<typeof analyseSpec>>) => doc.subjects.find((s) => s.source === 'github' && s.id === '401')!;

describe('github rules on an EMU organisation', () => {
  it('SCIM suspension departs and blocks the account: dormant, D from the audit log; the active account is nobody', async () => {
    const doc = await analyseSpec(emuTenant());
    expect(summary(doc).filter((f) => f.startsWith('github.'))).toEqual(['github.departed-member 401→9101 dormant low']);
    expect(jack(doc).departedBecause[0]).toBe('EMU SCIM identity active=false (suspended)');
    expect(jack(doc).departedAt).toBe('2026-10-10T08:05:00.000Z');
    expect(jack(doc).departedAtFrom).toBe('GitHub audit log user.suspend');
    expect(doc.subjects.some((s) => s.source === 'github' && s.id === '403')).toBe(false);
  });

  it('without the audit event D is the linked Entra account’s; suspended with the Entra account enabled still departs', async () => {
    const noEvent = await analyseSpec(emuTenant({ suspendEvent: false }));
    expect(jack(noEvent).departedAt).toBe('2026-10-10T08:00:00.000Z');
    expect(jack(noEvent).departedAtFrom).toMatch(/^entra account jack@acme\.example/);
    const scimOnly = await analyseSpec(emuTenant({ jackEnabled: true }));
    expect(summary(scimOnly).filter((f) => f.startsWith('github.'))).toEqual(['github.departed-member 401→9101 dormant low']);
    expect(jack(scimOnly).departedBecause).toEqual(['EMU SCIM identity active=false (suspended)']);
  });

  it('Entra disabled but SCIM not yet suspended: departed through the externalId and blocked at sign-in, but a credential still works', async () => {
    const doc = await analyseSpec(
      emuTenant({ jackActive: true }, { credentialAuthorizations: [{ login: 'jack_acme', credential_id: 5, credential_type: 'personal access token', authorized_credential_expires_at: null }] }),
    );
    expect(summary(doc).filter((f) => f.startsWith('github.'))).toEqual(['github.departed-member 401→9101 dormant low', 'github.sso-credential-of-departed 401→5 live medium']);
    expect(jack(doc).departedBecause[0]).toMatch(/^asserted link to entra:jack@acme\.example/);
  });

  it('a suspended outside collaborator and a suspended account’s SSO credential are dormant', async () => {
    const doc = await analyseSpec(
      emuTenant(
        {},
        {
          members: [{ role: 'MEMBER', user: { id: 403, login: 'liam_acme' } }],
          outsideCollaborators: [{ id: 401, login: 'jack_acme' }],
          credentialAuthorizations: [{ login: 'jack_acme', credential_id: 5, credential_type: 'SSH key', authorized_credential_expires_at: null }],
        },
      ),
    );
    expect(summary(doc).filter((f) => f.startsWith('github.'))).toEqual(['github.outside-collaborator-departed 401→9101 dormant low', 'github.sso-credential-of-departed 401→5 dormant low']);
  });

  it('an incomplete SCIM dataset leaves every github rule uncovered and nobody closed; a non-EMU ledger does not need it', async () => {
    const partial = emuTenant({}, { scimIdentities: [] });
    partial.ledger = { github: { scimIdentities: { status: 'partial', count: 0, reason: 'enterprise SCIM token missing' } } };
    const doc = await analyseSpec(partial);
    expect(doc.coverage['github:acme'].uncoveredRules).toEqual(expect.arrayContaining(['github.departed-member', 'github.outside-collaborator-departed', 'github.sso-credential-of-departed']));
    // Without SCIM jack is not even linked to his Entra account: nobody is called closed.
    expect(doc.subjects.filter((s) => s.source === 'github').every((s) => s.closed !== true)).toBe(true);
    const nonEmu = emuTenant();
    nonEmu.github!.settings = [{ samlEnforcement: 'enforced', emu: false }];
    nonEmu.ledger = { github: { scimIdentities: { status: 'missing', reason: 'no SCIM' }, settings: { status: 'complete', count: 1, emu: false } as never } };
    expect((await analyseSpec(nonEmu)).coverage['github:acme'].uncoveredRules).toEqual([]);
  });

  it('an account whose SCIM identity cannot be joined is unverified, never live or closed', async () => {
    // jack's Entra account has left (leave date passed) but is enabled; the SAML identity links it, and his SCIM userName no longer makes his login.
    const spec = emuTenant({ jackActive: true, jackEnabled: true }, { samlIdentities: [{ ...saml(401, 'jack_acme', 'jack@acme.example'), scimIdentity: null }] });
    spec.entra!.users = spec.entra!.users!.map((u) => (u.id === JACK ? { ...u, employeeLeaveDateTime: '2026-10-15T00:00:00Z' } : u));
    spec.github!.scimIdentities = [{ id: 'scim-jack', externalId: JACK, userName: 'jack.renamed@acme.example', active: true }];
    const doc = await analyseSpec(spec);
    expect(summary(doc).filter((f) => f.startsWith('github.'))).toEqual(['github.departed-member 401→9101 unverified medium']);
    // Joined and active: live.
    spec.github!.scimIdentities = [{ id: 'scim-jack', externalId: JACK, userName: 'jack@acme.example', active: true }];
    expect(summary(await analyseSpec(spec)).filter((f) => f.startsWith('github.'))).toEqual(['github.departed-member 401→9101 live medium']);
  });

  it('two SCIM identities that make the same login join neither', async () => {
    const spec = emuTenant();
    spec.github!.scimIdentities!.push({ id: 'scim-jack2', externalId: 'eeeeeeee-0000-0000-0000-000000000009', userName: 'jack@other.example', active: true });
    const doc = await analyseSpec(spec);
    // Not joined: no suspension, no externalId link — jack is not a github subject at all, and the suspension is not claimed.
    expect(doc.subjects.some((s) => s.source === 'github' && s.id === '401')).toBe(false);
  });
});
