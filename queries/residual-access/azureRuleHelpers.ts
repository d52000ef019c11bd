/**
 * The ARM remediation calls of the `azure.*` rules (sources-azure.md "Remediation"). Their reach
 * is the azure source's (ingest/azure/privileges.ts: the named reach `azureRole`, its extension of
 * `entraObject`, and the `azureRole` fact).
 */
import { AzureKind, azureProps } from '../../src/model/azureSchema.js';
import type { GraphNode } from '../../src/model/types.js';

const ARM = 'https://management.azure.com';

/**
 * The ARM calls that remove an assignment or eligibility (sources-azure.md "Remediation"): DELETE
 * an active assignment by its id (elevating first at the root scope); an eligibility through an
 * `AdminRemove` schedule request at its scope, named `{new-guid}` here (the executor mints the
 * request's GUID when it runs: ingest/azure/remediation.ts).
 */
export function azureRemediation(n: GraphNode): string[] {
  if (n.kind === AzureKind.AzureRoleEligibility) {
    const p = azureProps(n, 'AzureRoleEligibility');
    const scope = p.scope === '/' ? '' : p.scope;
    return [
      `PUT ${ARM}${scope}/providers/Microsoft.Authorization/roleEligibilityScheduleRequests/{new-guid}?api-version=2020-10-01 {"properties":{"principalId":"${p.principalId}","roleDefinitionId":"${scope}/providers/Microsoft.Authorization/roleDefinitions/${p.roleDefinitionId}","requestType":"AdminRemove"}}`,
    ];
  }
  const p = azureProps(n, 'AzureRoleAssignment');
  const elevate = p.scope.trim() === '/' ? [`POST ${ARM}/providers/Microsoft.Authorization/elevateAccess?api-version=2016-07-01`] : [];
  return [...elevate, `DELETE ${ARM}${n.id}?api-version=2022-04-01`];
}
