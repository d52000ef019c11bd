/**
 * Microsoft Entra ID, declared once for the source registry (ingest/sources.ts): its datasets
 * and line schemas (datasets.ts), transforms in load order (transforms.ts), the tenant node, the
 * account kind (account.ts), the fields its objects are named by, the events its change
 * notifications carry, and its collector and subject-refresh entry points (lazy).
 */
import { canonicalId } from '../../src/model/ids.js';
import { NodeKind } from '../../src/model/schema.js';
import type { SourceDefinition } from '../../src/model/source.js';
import { ENTRA_ACCOUNT } from './account.js';
import { ENTRA_DATASET_DEFS } from './datasets.js';
import { ENTRA_TRANSFORMS } from './transforms.js';

export const ENTRA_SOURCE: SourceDefinition = {
  kind: 'entra',
  title: 'Microsoft Entra ID',
  datasets: ENTRA_DATASET_DEFS,
  load: ENTRA_TRANSFORMS,
  tenantKey: canonicalId,
  tenantNode: { kind: NodeKind.EntraTenant, name: (tenant) => `Entra tenant ${tenant}` },
  identities: 'users',
  accounts: [ENTRA_ACCOUNT],
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
  events: ['graph change notifications on users (updated, deleted)', 'lifecycle notifications (reauthorizationRequired, subscriptionRemoved, missed)'],
  capabilities: {
    collector: () => import('./index.js'),
    refreshSubject: () => import('./collectEntraSubject.js'),
  },
};
