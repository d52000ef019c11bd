/**
 * Entra's privilege tiers, from the catalogue's "Reach and tier 0": the role templates and
 * Microsoft Graph application permissions that control a whole tenant, and the derived privilege
 * edge each of them implies (what the role or permission lets its holder do to every object).
 * Roles are recognised by template id, never by display name. Read by Entra's reach
 * (reach.ts) and its part of the privilege graph (privileges.ts), nowhere else.
 */
import { EdgeKind } from '../../src/model/schema.js';

export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

const EntraRoleTemplate = {
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  privilegedRoleAdministrator: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  privilegedAuthenticationAdministrator: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  applicationAdministrator: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  cloudApplicationAdministrator: '158c047a-c907-4556-b7ef-446551a6b5f7',
  hybridIdentityAdministrator: '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2',
  groupsAdministrator: 'fdd7a751-b60b-444a-984c-02652fe8fa1c',
} as const;

/** Tier-0 Entra role templates (tier 0 only when assigned at directoryScopeId "/"). */
export const TIER0_ROLE_TEMPLATES: ReadonlySet<string> = new Set([
  EntraRoleTemplate.globalAdministrator,
  EntraRoleTemplate.privilegedRoleAdministrator,
  EntraRoleTemplate.privilegedAuthenticationAdministrator,
  EntraRoleTemplate.applicationAdministrator,
  EntraRoleTemplate.cloudApplicationAdministrator,
  EntraRoleTemplate.hybridIdentityAdministrator,
]);

/** Tier-0 Microsoft Graph application permissions (names resolved from Graph's appRoles). */
export const TIER0_GRAPH_PERMISSIONS: ReadonlySet<string> = new Set([
  'Application.ReadWrite.All',
  'AppRoleAssignment.ReadWrite.All',
  'Directory.ReadWrite.All',
  'Group.ReadWrite.All',
  'GroupMember.ReadWrite.All',
  'RoleManagement.ReadWrite.Directory',
  'ServicePrincipalEndpoint.ReadWrite.All',
]);

/** The tenant-wide power an Entra role template at "/" implies, as a derived edge. */
export const ROLE_PRIVILEGE_EDGE: Readonly<Record<string, EdgeKind>> = {
  [EntraRoleTemplate.globalAdministrator]: EdgeKind.CONTROLS_TENANT,
  [EntraRoleTemplate.privilegedAuthenticationAdministrator]: EdgeKind.CONTROLS_TENANT,
  [EntraRoleTemplate.hybridIdentityAdministrator]: EdgeKind.CONTROLS_TENANT,
  [EntraRoleTemplate.privilegedRoleAdministrator]: EdgeKind.CAN_GRANT_ROLES,
  [EntraRoleTemplate.applicationAdministrator]: EdgeKind.CAN_ADD_CREDENTIALS,
  [EntraRoleTemplate.cloudApplicationAdministrator]: EdgeKind.CAN_ADD_CREDENTIALS,
  [EntraRoleTemplate.groupsAdministrator]: EdgeKind.CAN_MANAGE_GROUPS,
};

/** The tenant-wide power a Microsoft Graph application permission implies, as a derived edge. */
export const GRAPH_PERMISSION_EDGE: Readonly<Record<string, EdgeKind>> = {
  'Application.ReadWrite.All': EdgeKind.CAN_ADD_CREDENTIALS,
  'AppRoleAssignment.ReadWrite.All': EdgeKind.CAN_GRANT_ROLES,
  'RoleManagement.ReadWrite.Directory': EdgeKind.CAN_GRANT_ROLES,
  'Directory.ReadWrite.All': EdgeKind.CAN_MANAGE_GROUPS,
  'Group.ReadWrite.All': EdgeKind.CAN_MANAGE_GROUPS,
  'GroupMember.ReadWrite.All': EdgeKind.CAN_MANAGE_GROUPS,
};

/** The app role id Entra uses for "default access" (no named role): app access, not a permission. */
export const DEFAULT_APP_ROLE_ID = '00000000-0000-0000-0000-000000000000';

/** Display names of well-known Entra role templates, for roles whose definition was not collected. */
export const KNOWN_ROLE_NAMES: Readonly<Record<string, string>> = {
  [EntraRoleTemplate.globalAdministrator]: 'Global Administrator',
  [EntraRoleTemplate.privilegedRoleAdministrator]: 'Privileged Role Administrator',
  [EntraRoleTemplate.privilegedAuthenticationAdministrator]: 'Privileged Authentication Administrator',
  [EntraRoleTemplate.applicationAdministrator]: 'Application Administrator',
  [EntraRoleTemplate.cloudApplicationAdministrator]: 'Cloud Application Administrator',
  [EntraRoleTemplate.hybridIdentityAdministrator]: 'Hybrid Identity Administrator',
  [EntraRoleTemplate.groupsAdministrator]: 'Groups Administrator',
  '729827e3-9c14-49f7-bb1b-9608f156bbb8': 'Helpdesk Administrator',
  'f2ef992c-3afb-46b9-b7cf-a126ee74c451': 'Global Reader',
  'fe930be7-5e62-47db-91af-98c3a49a38b1': 'User Administrator',
  '194ae4cb-b126-40b2-bd5b-6091b380977d': 'Security Administrator',
  '29232cdf-9323-42fd-ade2-1d097af3e4de': 'Exchange Administrator',
  'f28a1f50-f6e7-4571-818b-6a12f2af6b6c': 'SharePoint Administrator',
};
