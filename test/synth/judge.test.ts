/**
 * The ground truth's reading of the catalogue, line by line: the four severity lines, when an
 * app pushes deactivation, which audit activity names count as credential changes, and tier 0
 * (by template id at "/", Graph permissions, Okta roles and *.manage scopes). Cases follow the
 * hand-checked scenarios where they have one.
 */
import { describe, expect, test } from 'vitest';
import { ROLE, roleIsTier0, oktaScopeIsTier0 } from '../../ingest/synth/catalogue.js';
import { isCredentialActivity, pushesDeactivation, severityOf } from '../../ingest/synth/judge.js';
import type { OktaApp } from '../../ingest/synth/model.js';

const T0 = { tier0: true, priv: true };
const PRIV = { tier0: false, priv: true };
const NONE = { tier0: false, priv: false };

describe('severity lines', () => {
  test('critical: live/window/unverified with tier 0, and every hr.leaver-account-enabled', () => {
    expect(severityOf('entra.owned-app-secret', 'live', T0)).toBe('critical');
    expect(severityOf('entra.sessions-not-revoked', 'window', T0)).toBe('critical');
    expect(severityOf('okta.idp-may-reactivate', 'unverified', T0)).toBe('critical');
    expect(severityOf('hr.leaver-account-enabled', 'live', NONE)).toBe('critical');
    expect(severityOf('person.other-account-active', 'live', T0)).toBe('critical');
  });
  test('high: live with any permission or role, every other-account-active, dormant with tier 0', () => {
    expect(severityOf('entra.owned-app-secret', 'live', PRIV)).toBe('high');
    expect(severityOf('person.other-account-active', 'live', NONE)).toBe('high');
    expect(severityOf('entra.dormant-role', 'dormant', T0)).toBe('high');
    expect(severityOf('okta.api-token-of-departed', 'dormant', T0)).toBe('high');
  });
  test('medium and low: the rest (window and unverified are not raised by a non-tier-0 role)', () => {
    expect(severityOf('entra.sessions-not-revoked', 'window', PRIV)).toBe('medium');
    expect(severityOf('okta.downstream-account-not-deprovisioned', 'unverified', PRIV)).toBe('medium');
    expect(severityOf('okta.app-password-known', 'live', NONE)).toBe('medium');
    expect(severityOf('entra.dormant-role', 'dormant', PRIV)).toBe('low');
    expect(severityOf('entra.dormant-membership', 'dormant', NONE)).toBe('low');
  });
});

describe('catalogue tests', () => {
  const app = (features: string[], record: 'ENABLED' | 'DISABLED' | null) => ({ features, provisioningRecord: record ? { lifecycleDeactivate: record } : null }) as unknown as OktaApp;
  test('an app pushes deactivation with the feature, unless its USER_PROVISIONING record disables it', () => {
    expect(pushesDeactivation(app(['PUSH_USER_DEACTIVATION'], null))).toBe(true);
    expect(pushesDeactivation(app(['PUSH_USER_DEACTIVATION'], 'ENABLED'))).toBe(true);
    expect(pushesDeactivation(app(['PUSH_USER_DEACTIVATION'], 'DISABLED'))).toBe(false);
    expect(pushesDeactivation(app(['PUSH_NEW_USERS'], 'ENABLED'))).toBe(false);
  });
  test('credential activities match after trimming, with either dash', () => {
    expect(isCredentialActivity('Update application – Certificates and secrets management ')).toBe(true);
    expect(isCredentialActivity(' Update application - Certificates and secrets management')).toBe(true);
    expect(isCredentialActivity('Add service principal credentials ')).toBe(true);
    expect(isCredentialActivity('Update application')).toBe(false);
  });
  test('tier 0 by template id at "/", and okta.*.manage scopes', () => {
    expect(roleIsTier0(ROLE.globalAdmin.template, '/')).toBe(true);
    expect(roleIsTier0(ROLE.applicationAdmin.template, '/administrativeUnits/x')).toBe(false);
    expect(roleIsTier0(ROLE.helpdeskAdmin.template, '/')).toBe(false);
    expect(oktaScopeIsTier0('okta.users.manage')).toBe(true);
    expect(oktaScopeIsTier0('okta.logs.read')).toBe(false);
  });
});
