/**
 * The Azure resource plane, declared once for the source registry (ingest/sources.ts): its
 * datasets and line schemas (datasets.ts), transforms in load order (transforms.ts), the node and
 * edge kinds it adds to the schema (src/model/azureSchema.ts), the load-time join of assignments
 * to their Entra holders (derive.ts), its part of the privilege graph (privileges.ts), the fields
 * its objects are named by, the identity of its lines (records.ts: a subject's assignments are
 * owned by it, so `verify` reads them again), and its `collect azure` command (collector.ts). It has no accounts:
 * its principals are the Entra tenant's, so it is paired with the Entra folder of the same tenant
 * (`pairedWith`: without that folder its rules are uncovered) and its rules
 * (queries/residual-access/azure.*) take Entra accounts as subjects.
 */
import { AzureEdge, AzureKind, AzureSpace } from '../../src/model/azureSchema.js';
import { canonicalId } from '../../src/model/ids.js';
import type { SourceDefinition } from '../../src/model/source.js';
import { AZURE_COLLECTOR } from './collector.js';
import { AZURE_CONNECTION } from './connection.js';
import { withRecords } from '../collection/recordSpec.js';
import { AZURE_DATASET_DEFS } from './datasets.js';
import { AZURE_PAIRED_WITH, deriveAzure } from './derive.js';
import { AZURE_PRIVILEGES } from './privileges.js';
import { AZURE_RECORDS } from './records.js';
import { AZURE_TRANSFORMS } from './transforms.js';

export const AZURE_SOURCE: SourceDefinition = {
  kind: 'azure',
  title: 'Azure resource plane',
  datasets: withRecords(AZURE_DATASET_DEFS, AZURE_RECORDS),
  load: AZURE_TRANSFORMS,
  tenantKey: canonicalId,
  identities: null,
  accounts: [],
  pairedWith: AZURE_PAIRED_WITH,
  names: {
    [AzureKind.AzureManagementGroup]: ['armId'],
    [AzureKind.AzureSubscription]: ['armId'],
    [AzureKind.AzureRoleDefinition]: [],
    [AzureKind.AzureManagedIdentity]: ['principalId', 'clientId'],
  },
  nodeKinds: Object.values(AzureKind),
  idSpaces: {
    [AzureKind.AzureRoleAssignment]: AzureSpace.roleAssignment,
    [AzureKind.AzureRoleEligibility]: AzureSpace.roleEligibility,
    [AzureKind.AzureManagedIdentity]: AzureSpace.identity,
  },
  inert: [AzureKind.AzureRoleAssignmentInstance],
  edgeKinds: Object.values(AzureEdge).map((kind) => ({ kind })),
  derive: deriveAzure,
  reads: ['entra:users', 'entra:groups', 'entra:groupMembers', 'entra:servicePrincipals', 'entra:deletedUsers'],
  privileges: AZURE_PRIVILEGES,
  capabilities: {
    collector: AZURE_COLLECTOR,
    remediation: () => import('./remediation.js').then((m) => m.AZURE_REMEDIATION),
    connection: AZURE_CONNECTION,
  },
};
