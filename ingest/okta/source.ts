/**
 * Okta, declared once for the source registry (ingest/sources.ts): its datasets and line
 * schemas (datasets.ts), transforms in load order (transforms.ts), the org node, the account
 * kind (account.ts), the fields its objects are named by, the event hook types it accepts, and
 * its collector and subject-refresh entry points (lazy). The org URL is the tenant: trailing
 * slashes dropped, scheme and host lower-cased.
 */
import { NodeKind } from '../../src/model/schema.js';
import type { SourceDefinition } from '../../src/model/source.js';
import { OKTA_ACCOUNT } from './account.js';
import { OKTA_DATASET_DEFS } from './datasets.js';
import { OKTA_TRANSFORMS } from './transforms.js';

export const OKTA_SOURCE: SourceDefinition = {
  kind: 'okta',
  title: 'Okta',
  datasets: OKTA_DATASET_DEFS,
  load: OKTA_TRANSFORMS,
  tenantKey: (org) => org.replace(/\/+$/, '').replace(/^(https?:\/\/[^/]+)/i, (m) => m.toLowerCase()),
  tenantNode: { kind: NodeKind.OktaOrg, name: (org) => `Okta org ${org}` },
  identities: 'users',
  accounts: [OKTA_ACCOUNT],
  names: {
    [NodeKind.OktaUser]: ['login', 'email', 'employeeNumber'],
    [NodeKind.OktaGroup]: [],
    [NodeKind.OktaApp]: ['label'],
    [NodeKind.OktaApiToken]: [],
    [NodeKind.OktaRefreshToken]: [],
    [NodeKind.OktaClientSecret]: [],
    [NodeKind.OktaJwk]: [],
    [NodeKind.OktaIdentityProvider]: [],
    [NodeKind.OktaOrg]: [],
  },
  events: ['user.lifecycle.deactivate', 'user.lifecycle.suspend', 'application.user_membership.remove', 'user.account.privilege.revoke', 'system.api_token.revoke'],
  capabilities: {
    collector: () => import('./index.js'),
    refreshSubject: () => import('./collectOktaSubject.js'),
  },
};
