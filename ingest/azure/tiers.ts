/**
 * The Azure resource plane's role classification, from sources-azure.md ("Reach, tier 0 and
 * severity"): which role definitions are privileged or assigning, which scopes are the tenant
 * root, and the privilege an assignment or eligibility confers. Read by the transforms (a
 * definition's `assigning`, a role's GUID) and Azure's reach (reach.ts), nowhere else.
 */
import type { AzureRoleAssignmentProps, AzureRoleDefinitionProps } from '../../src/model/azureSchema.js';

/** Privileged built-in roles (sources-azure.md [A2]) by definition GUID, with their names. */
const AZURE_PRIVILEGED_ROLES: Readonly<Record<string, string>> = {
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': 'Owner',
  'b24988ac-6180-42a0-ab88-20f7382dd24c': 'Contributor',
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9': 'User Access Administrator',
  'f58310d9-a9f6-439a-9e8d-f62e7b41a168': 'Role Based Access Control Administrator',
  'a8889054-8d42-49c9-bc1c-52486c10e7cd': 'Reservations Administrator',
};

/** Built-in roles that control the plane when held at the root: Owner, User Access Administrator, RBAC Administrator. */
const TIER0_ROLES = new Set(['8e3af657-a8ff-443c-a75c-2fe8c4bcb635', '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', 'f58310d9-a9f6-439a-9e8d-f62e7b41a168']);

/** The last segment of a role definition id, lower-cased (the prefix varies by scope [A1]). */
export function roleGuid(roleDefinitionId: string): string {
  const parts = roleDefinitionId.split('/').filter(Boolean);
  return (parts[parts.length - 1] ?? '').toLowerCase();
}

/** The tenant root scope: `/`, or the tenant root management group (named after the tenant id). */
export function isRootScope(scope: string, tenant: string): boolean {
  const s = scope.trim().toLowerCase().replace(/\/+$/, '');
  return s === '' || s === `/providers/microsoft.management/managementgroups/${tenant.toLowerCase()}`;
}

/**
 * `actions` minus `notActions` cover `Microsoft.Authorization/roleAssignments/write` (wildcards
 * matched case-insensitively; a `notAction` that covers it removes it).
 */
export function coversRoleAssignmentWrite(permissions: readonly { actions?: readonly string[]; notActions?: readonly string[] }[]): boolean {
  const want = 'microsoft.authorization/roleassignments/write';
  const matches = (pattern: string) => new RegExp(`^${pattern.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(want);
  return permissions.some((p) => (p.actions ?? []).some(matches) && !(p.notActions ?? []).some(matches));
}

/** What an assignment's role is, from its definition GUID and the definition node (if listed). */
export interface AzureRoleGrade {
  name: string;
  /** A privileged built-in or an assigning role: an admin role (severity line 2). */
  privileged: boolean;
  /** Owner, User Access Administrator, RBAC Administrator or an assigning custom role at the root, with no condition. */
  tier0: boolean;
}

/** Grade an assignment or eligibility: its role's name, whether it is an admin role, whether it is Azure tier 0. */
export function gradeAzureRole(a: AzureRoleAssignmentProps, def: AzureRoleDefinitionProps | undefined, tenant: string): AzureRoleGrade {
  const guid = a.roleDefinitionId;
  const builtin = AZURE_PRIVILEGED_ROLES[guid];
  const name = def?.name ?? builtin ?? guid;
  const assigningCustom = (def?.roleType ?? '') !== 'BuiltInRole' && def?.assigning === true;
  const privileged = builtin !== undefined || def?.assigning === true;
  const tier0 = (TIER0_ROLES.has(guid) || assigningCustom) && isRootScope(a.scope, tenant) && !a.condition;
  return { name, privileged, tier0 };
}

/** A privilege's label: `Azure: Owner on /subscriptions/…` (`/` for the root scope as listed). */
export function azureRoleLabel(grade: AzureRoleGrade, scope: string): string {
  return `Azure: ${grade.name} on ${scope || '/'}`;
}
