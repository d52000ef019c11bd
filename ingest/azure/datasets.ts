/**
 * The Azure datasets of an `azure` source folder (sources-azure.md "Collection"), in collection
 * order, with the JSON Schema each line must satisfy: only what analysis relies on (ARM ids, the
 * principal and role of an assignment, an eligibility's end, an identity's principal, a federated
 * credential's issuer and subject); lines are ARM objects as returned, unknown fields tolerated.
 */
import type { DatasetDef } from '../../src/model/source.js';
import { type Schema, arrN, dateN, obj, objN, str, strN } from '../collection/lineSchema.js';
import { AZURE_DATASETS, type AzureDataset } from './AzureContext.js';

const assignment = (extra: Record<string, Schema>): Schema =>
  obj({ id: str, properties: obj({ roleDefinitionId: str, principalId: str, principalType: strN, scope: strN, condition: strN, ...extra }, ['roleDefinitionId', 'principalId']) }, ['id', 'properties']);

const SCHEMAS: Record<AzureDataset, Schema> = {
  managementGroups: obj({ id: str, type: strN, name: strN, properties: objN({ displayName: strN, parent: objN({ id: strN }) }) }, ['id']),
  subscriptions: obj({ subscriptionId: str, displayName: strN, state: strN }, ['subscriptionId']),
  roleDefinitions: obj(
    { id: str, name: strN, properties: objN({ roleName: strN, type: strN, permissions: arrN(obj({ actions: arrN(str), notActions: arrN(str) })), assignableScopes: arrN(str) }) },
    ['id'],
  ),
  roleAssignments: assignment({}),
  roleEligibilityScheduleInstances: assignment({ endDateTime: dateN, memberType: strN }),
  roleAssignmentScheduleInstances: obj({ id: str, properties: objN({ principalId: strN, assignmentType: strN, endDateTime: dateN }) }, ['id']),
  userAssignedIdentities: obj({ id: str, name: strN, properties: objN({ principalId: strN, clientId: strN }) }, ['id']),
  managedIdentityFederatedCredentials: obj({ id: str, name: strN, properties: objN({ issuer: strN, subject: strN, audiences: arrN(str) }) }, ['id']),
};

export const AZURE_DATASET_DEFS: readonly DatasetDef[] = AZURE_DATASETS.map((name) => ({ name, schema: SCHEMAS[name], idField: name === 'subscriptions' ? 'subscriptionId' : 'id' }));
