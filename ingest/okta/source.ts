/**
 * Okta, declared once for the source registry (ingest/sources.ts): its datasets and line
 * schemas (datasets.ts), transforms in load order (transforms.ts), the org node, the account
 * kind (account.ts), the fields its objects are named by, the event hook types it accepts, its
 * `collect okta` command (options here, the collector loaded when it runs: collectCommand.ts) and
 * its event-driven refreshes (events.ts, lazy), and its part of the privilege graph, reach and
 * tier 0 (privileges.ts). The org URL is the tenant: trailing
 * slashes dropped, scheme and host lower-cased.
 */
import { IdSpace } from '../../src/model/ids.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { SourceDefinition } from '../../src/model/source.js';
import { OKTA_ACCOUNT } from './account.js';
import { OKTA_CONNECTION } from './connection.js';
import { OKTA_DATASET_DEFS } from './datasets.js';
import { OKTA_EVENT_SETTINGS } from './eventSettings.js';
import { OKTA_PRIVILEGES } from './privileges.js';
import { OKTA_RECORDS } from './records.js';
import { withRecords } from '../collection/recordSpec.js';
import { OKTA_TRANSFORMS } from './transforms.js';

export const OKTA_SOURCE: SourceDefinition = {
  kind: 'okta',
  title: 'Okta',
  datasets: withRecords(OKTA_DATASET_DEFS, OKTA_RECORDS),
  load: OKTA_TRANSFORMS,
  tenantKey: (org) => org.replace(/\/+$/, '').replace(/^(https?:\/\/[^/]+)/i, (m) => m.toLowerCase()),
  tenantNode: { kind: NodeKind.OktaOrg, name: (org) => `Okta org ${org}` },
  identities: 'users',
  accounts: [OKTA_ACCOUNT],
  // Identity providers are listed by kind (the IdP-asserted links, the saved queries).
  scannedKinds: [NodeKind.OktaIdentityProvider],
  tokenOwners: { [NodeKind.OktaApiToken]: 'userId' },
  privileges: OKTA_PRIVILEGES,
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
  idSpaces: {
    [NodeKind.OktaUser]: IdSpace.oktaUser,
    [NodeKind.OktaGroup]: IdSpace.oktaGroup,
    [NodeKind.OktaApp]: IdSpace.oktaApp,
    [NodeKind.OktaApiToken]: IdSpace.oktaApiToken,
    [NodeKind.OktaRefreshToken]: IdSpace.oktaRefreshToken,
    [NodeKind.OktaClientSecret]: IdSpace.oktaSecret,
    [NodeKind.OktaJwk]: IdSpace.oktaJwk,
    [NodeKind.OktaRoleAssignment]: IdSpace.oktaRole,
    [NodeKind.OktaIdentityProvider]: IdSpace.oktaIdp,
  },
  inert: [NodeKind.OktaLogEvent],
  searchRank: { [NodeKind.OktaApp]: 3, [NodeKind.OktaGroup]: 4 },
  events: ['user.lifecycle.deactivate', 'user.lifecycle.suspend', 'application.user_membership.remove', 'user.account.privilege.revoke', 'system.api_token.revoke'],
  signIn: {
    credentials: [NodeKind.OktaClientSecret, NodeKind.OktaJwk],
    holders: [{ kind: NodeKind.OktaApp, as: 'self' }],
    tokens: [NodeKind.OktaApiToken, NodeKind.OktaRefreshToken],
    tokenEdges: [EdgeKind.HAS_API_TOKEN, EdgeKind.HAS_REFRESH_TOKEN],
  },
  capabilities: {
    collector: {
      description: 'read an Okta org through the Okta Management API into <out>/okta',
      options: [
        { flags: '--org-url <url>', description: 'the org, e.g. https://example.okta.com', required: true },
        { flags: '--auth <mode>', description: 'token (OKTA_CLIENT_TOKEN, an API token) | private-key (OAuth 2.0 client credentials with a private key JWT)' },
        { flags: '--client-id <id>', description: 'OAuth service app client id (default OKTA_CLIENT_CLIENTID)' },
        { flags: '--private-key <file>', description: 'PEM or JWK file of the service app private key (default OKTA_CLIENT_PRIVATEKEY, the key itself)' },
        { flags: '--key-id <kid>', description: 'key id of the private key (default OKTA_CLIENT_KEYID)' },
        { flags: '--scopes <list>', description: 'scopes to request, space separated (default: the read scopes in docs/collectors.md)' },
        { flags: '--include <dataset...>', description: 'opt-in datasets to collect: userGrants' },
      ],
      delta: true,
      load: () => import('./collectCommand.js'),
    },
    events: () => Promise.all([import('./events.js'), import('./webhook.js')]).then(([m, w]) => ({ ...m.OKTA_EVENTS, webhook: w.OKTA_WEBHOOK })),
    eventSettings: OKTA_EVENT_SETTINGS,
    remediation: () => import('./remediation.js').then((m) => m.OKTA_REMEDIATION),
    connection: OKTA_CONNECTION,
  },
};
