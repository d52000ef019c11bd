/**
 * Microsoft Entra ID, declared once for the source registry (ingest/sources.ts): its datasets
 * and line schemas (datasets.ts), transforms in load order (transforms.ts), the tenant node, the
 * account kind (account.ts), the fields its objects are named by, the events its change
 * notifications carry, its `collect entra` command (options here, the collector loaded when it
 * runs: collectCommand.ts), its event-driven refreshes (events.ts, lazy), and its part of the
 * privilege graph, reach and tier 0 (privileges.ts).
 */
import { IdSpace, canonicalId } from '../../src/model/ids.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { SourceDefinition } from '../../src/model/source.js';
import { ENTRA_ACCOUNT } from './account.js';
import { ENTRA_CONNECTION } from './connection.js';
import { ENTRA_DATASET_DEFS } from './datasets.js';
import { ENTRA_EVENT_SETTINGS } from './eventSettings.js';
import { ENTRA_PRIVILEGES } from './privileges.js';
import { ENTRA_RECORDS } from './records.js';
import { KNOWN_ROLE_NAMES } from './tiers.js';
import { withRecords } from '../collection/recordSpec.js';
import { ENTRA_TRANSFORMS } from './transforms.js';

export const ENTRA_SOURCE: SourceDefinition = {
  kind: 'entra',
  title: 'Microsoft Entra ID',
  datasets: withRecords(ENTRA_DATASET_DEFS, ENTRA_RECORDS),
  load: ENTRA_TRANSFORMS,
  tenantKey: canonicalId,
  tenantNode: { kind: NodeKind.EntraTenant, name: (tenant) => `Entra tenant ${tenant}` },
  identities: 'users',
  accounts: [ENTRA_ACCOUNT],
  // The saved queries list machine identities by kind.
  scannedKinds: [NodeKind.EntraApplication, NodeKind.EntraServicePrincipal],
  // A role assignment's principal is a directory object until a listing says what it is.
  genericKinds: [NodeKind.EntraDirectoryObject],
  names: {
    [NodeKind.EntraUser]: ['upn', 'mail', 'employeeId'],
    [NodeKind.EntraGroup]: [],
    [NodeKind.EntraApplication]: ['appId'],
    [NodeKind.EntraServicePrincipal]: ['appId'],
    [NodeKind.EntraDirectoryObject]: [],
    [NodeKind.PasswordCredential]: [],
    [NodeKind.KeyCredential]: [],
    [NodeKind.FederatedIdentityCredential]: [],
    [NodeKind.EntraRoleDefinition]: ['templateId'],
    [NodeKind.EntraTenant]: [],
  },
  idSpaces: {
    [NodeKind.EntraUser]: IdSpace.entraObject,
    [NodeKind.EntraGroup]: IdSpace.entraObject,
    [NodeKind.EntraApplication]: IdSpace.entraObject,
    [NodeKind.EntraServicePrincipal]: IdSpace.entraObject,
    [NodeKind.EntraDirectoryObject]: IdSpace.entraObject,
    [NodeKind.PasswordCredential]: IdSpace.credential,
    [NodeKind.KeyCredential]: IdSpace.credential,
    [NodeKind.FederatedIdentityCredential]: IdSpace.credential,
    [NodeKind.EntraRoleAssignment]: IdSpace.roleAssignment,
    [NodeKind.EntraRoleEligibility]: IdSpace.roleEligibility,
    [NodeKind.EntraAppRoleAssignment]: IdSpace.appRoleAssignment,
    [NodeKind.EntraOAuth2Grant]: IdSpace.oauth2Grant,
  },
  inert: [NodeKind.EntraAuditEvent],
  searchRank: { [NodeKind.EntraApplication]: 3, [NodeKind.EntraServicePrincipal]: 3, [NodeKind.EntraGroup]: 4, [NodeKind.EntraRoleDefinition]: 5 },
  privileges: ENTRA_PRIVILEGES,
  // A role definition referenced but not listed is named after its well-known template.
  stubProps: { [NodeKind.EntraRoleDefinition]: (id) => ({ templateId: id, name: KNOWN_ROLE_NAMES[id] ?? id }) },
  resolvesToOwner: [{ kind: NodeKind.EntraApplication, instances: EdgeKind.INSTANCE_OF }],
  events: ['graph change notifications on users (updated, deleted)', 'lifecycle notifications (reauthorizationRequired, subscriptionRemoved, missed)'],
  instances: [{ instance: NodeKind.EntraServicePrincipal, of: NodeKind.EntraApplication, by: 'appId' }],
  signIn: {
    credentials: [NodeKind.PasswordCredential, NodeKind.KeyCredential, NodeKind.FederatedIdentityCredential],
    holders: [
      { kind: NodeKind.EntraServicePrincipal, as: 'self' },
      { kind: NodeKind.EntraApplication, as: 'instances' },
    ],
  },
  capabilities: {
    collector: {
      description: 'read a Microsoft Entra tenant through Microsoft Graph into <out>/entra',
      options: [
        { flags: '--tenant <tenant>', description: 'tenant id or domain', required: true },
        { flags: '--graph-url <url>', description: 'Microsoft Graph service root', default: 'https://graph.microsoft.com' },
        { flags: '--authority-host <url>', description: 'Entra authority (national clouds), e.g. https://login.microsoftonline.us' },
        { flags: '--auth <mode>', description: 'token (REVENANT_GRAPH_TOKEN) | env (AZURE_* variables) | certificate | managed-identity | default (credential chain)' },
        { flags: '--client-id <id>', description: 'application (client) id for --auth certificate or a user-assigned managed identity' },
        { flags: '--certificate <file>', description: 'PEM file holding the certificate and its private key (--auth certificate)' },
      ],
      delta: true,
      load: () => import('./collectCommand.js'),
    },
    events: () => Promise.all([import('./events.js'), import('./webhook.js')]).then(([m, w]) => ({ ...m.ENTRA_EVENTS, webhook: w.ENTRA_WEBHOOK })),
    eventSettings: ENTRA_EVENT_SETTINGS,
    subscribe: {
      description: 'create or renew the Microsoft Graph /users change-notification subscription for `revenant serve`',
      options: [
        { flags: '--tenant <tenant>', description: 'tenant id or domain (default: events.entra.collect.tenant)' },
        { flags: '--notification-url <url>', description: 'public HTTPS URL of POST /v1/events/entra (default: events.entra.notificationUrl)' },
        { flags: '--lifecycle-url <url>', description: 'URL for lifecycle notifications (default: the notification URL)' },
        { flags: '--client-state <secret>', description: 'shared secret Graph echoes in every notification: env:NAME or file:PATH (default: events.entra.clientState)' },
        { flags: '--api-key <secret>', description: 'API key with the events scope, appended to the URLs as key=: env:NAME or file:PATH' },
        { flags: '--minutes <n>', description: 'lifetime in minutes (default and maximum 41760)' },
        { flags: '--graph-url <url>', description: 'Graph service root (national clouds, tests)' },
        { flags: '--authority-host <url>', description: 'Entra authority (national clouds)' },
        { flags: '--auth <mode>', description: 'token (REVENANT_GRAPH_TOKEN) | env | certificate | managed-identity | default' },
        { flags: '--client-id <id>', description: 'application (client) id for --auth certificate or a user-assigned managed identity' },
        { flags: '--certificate <file>', description: 'PEM file with the certificate and its private key (--auth certificate)' },
      ],
      load: () => import('./subscribeCommand.js').then((m) => m.ENTRA_SUBSCRIBE),
    },
    remediation: () => import('./remediation.js').then((m) => m.ENTRA_REMEDIATION),
    connection: ENTRA_CONNECTION,
  },
};
