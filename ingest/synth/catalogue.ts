/**
 * Vendor constants the synthetic tenant uses, and the tier-0 lists of the rule catalogue
 * (residual-access-rules.md, "Reach and tier 0"): Entra built-in role template ids, Microsoft
 * Graph application permissions with their real appRole ids, first-party service principals,
 * Okta admin role types and the audit and System Log names the rules match on. Reach is decided
 * here once (`roleIsTier0`, `GRAPH_TIER0`, `OKTA_TIER0_ROLES`, `scopeIsTier0`) so that the
 * planner and the ground truth agree by construction.
 */

export interface RoleDef {
  template: string;
  name: string;
}

/** Built-in directory roles (id == templateId for built-ins). The first six are tier 0 at "/". */
export const ROLE = {
  globalAdmin: { template: '62e90394-69f5-4237-9190-012177145e10', name: 'Global Administrator' },
  privilegedRoleAdmin: { template: 'e8611ab8-c189-46e8-94e1-60213ab1f814', name: 'Privileged Role Administrator' },
  privilegedAuthAdmin: { template: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13', name: 'Privileged Authentication Administrator' },
  applicationAdmin: { template: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', name: 'Application Administrator' },
  cloudApplicationAdmin: { template: '158c047a-c907-4556-b7ef-446551a6b5f7', name: 'Cloud Application Administrator' },
  hybridIdentityAdmin: { template: '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2', name: 'Hybrid Identity Administrator' },
  helpdeskAdmin: { template: '729827e3-9c14-49f7-bb1b-9608f156bbb8', name: 'Helpdesk Administrator' },
  globalReader: { template: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451', name: 'Global Reader' },
  userAdmin: { template: 'fe930be7-5e62-47db-91af-98c3a49a38b1', name: 'User Administrator' },
  securityReader: { template: '5d6b6bb7-de71-4623-b4af-96380a352509', name: 'Security Reader' },
  securityAdmin: { template: '194ae4cb-b126-40b2-bd5b-6091b380977d', name: 'Security Administrator' },
  exchangeAdmin: { template: '29232cdf-9323-42fd-ade2-1d097af3e4de', name: 'Exchange Administrator' },
  sharePointAdmin: { template: 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c', name: 'SharePoint Administrator' },
  groupsAdmin: { template: 'fdd7a751-b60b-444a-984c-02652fe8fa1c', name: 'Groups Administrator' },
  authenticationAdmin: { template: 'c4e39bd9-1100-46d3-8c65-fb160da0071f', name: 'Authentication Administrator' },
  intuneAdmin: { template: '3a2c62db-5318-420d-8d74-23affee5d9d5', name: 'Intune Administrator' },
  teamsAdmin: { template: '69091246-20e8-4a56-aa4d-066075b2a7a8', name: 'Teams Administrator' },
  billingAdmin: { template: 'b0f54661-2d74-4c50-afa3-1ec803f12efe', name: 'Billing Administrator' },
  reportsReader: { template: '4a5d8f65-41da-4de4-8968-e035b65339cf', name: 'Reports Reader' },
  directoryReaders: { template: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b', name: 'Directory Readers' },
} as const satisfies Record<string, RoleDef>;

export const BUILT_IN_ROLES: readonly RoleDef[] = Object.values(ROLE);

/** Tier-0 role templates (at directoryScopeId "/"). */
const TIER0_ROLE_TEMPLATES: ReadonlySet<string> = new Set([
  ROLE.globalAdmin.template,
  ROLE.privilegedRoleAdmin.template,
  ROLE.privilegedAuthAdmin.template,
  ROLE.applicationAdmin.template,
  ROLE.cloudApplicationAdmin.template,
  ROLE.hybridIdentityAdmin.template,
]);

/** An active role assignment is tier 0 when its template is tier 0 and it is tenant-wide. */
export function roleIsTier0(template: string, scope: string): boolean {
  return scope === '/' && TIER0_ROLE_TEMPLATES.has(template);
}

/** Non-tier-0 roles that leavers and admins commonly hold. */
export const COMMON_ADMIN_ROLES: readonly RoleDef[] = [
  ROLE.helpdeskAdmin,
  ROLE.globalReader,
  ROLE.userAdmin,
  ROLE.securityReader,
  ROLE.exchangeAdmin,
  ROLE.sharePointAdmin,
  ROLE.groupsAdmin,
  ROLE.authenticationAdmin,
  ROLE.intuneAdmin,
  ROLE.teamsAdmin,
  ROLE.reportsReader,
];

export const TIER0_ROLES: readonly RoleDef[] = BUILT_IN_ROLES.filter((r) => TIER0_ROLE_TEMPLATES.has(r.template));

/** Microsoft's own tenant: appOwnerOrganizationId of first-party service principals. */
export const MICROSOFT_TENANT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** Microsoft Graph application permissions (appRoles of the Graph service principal). */
export const GRAPH_ROLES = {
  'Application.ReadWrite.All': '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9',
  'AppRoleAssignment.ReadWrite.All': '06b708a9-e830-4db3-a914-8e69da51d44f',
  'Directory.ReadWrite.All': '19dbc75e-c2e2-444c-a770-ec69d8559fc7',
  'Group.ReadWrite.All': '62a82d76-70ea-41e2-9197-370581804d09',
  'GroupMember.ReadWrite.All': 'dbaae8cf-10b5-4b86-a4a1-f871c94c6695',
  'RoleManagement.ReadWrite.Directory': '9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8',
  'ServicePrincipalEndpoint.ReadWrite.All': '89c8469c-83ad-45f7-8ff2-6e3d4285709e',
  'User.Read.All': 'df021288-bdef-4463-88db-98f22de89214',
  'User.ReadWrite.All': '741f803b-c850-494e-b5df-cde7c675a1ca',
  'Group.Read.All': '5b567255-7703-4780-807c-7be8301ae99b',
  'Directory.Read.All': '7ab1d382-f21e-4acd-a863-ba3e13f7da61',
  'Application.Read.All': '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30',
  'Mail.Read': '810c84a8-4a9e-49e6-bf7d-12d183f40d01',
  'Mail.Send': 'b633e1c5-b582-4048-a93e-9f11b44c7e96',
  'Sites.Read.All': '332a536c-c7ef-4017-ab91-336970924f0d',
  'Sites.ReadWrite.All': '9492366f-7969-46a4-8d15-ed1a20078fff',
  'Files.Read.All': '01d4889c-1287-42c6-ac1f-5d1e02578ef6',
  'Calendars.Read': '798ee544-9d2d-430c-a058-570e29e34338',
  'AuditLog.Read.All': 'b0afded3-3588-46d8-8b3d-9842eff778da',
  'Device.Read.All': '7438b122-aefc-4978-80ed-43db9fcc7715',
} as const;
export type GraphPermission = keyof typeof GRAPH_ROLES;

export const GRAPH_TIER0: ReadonlySet<string> = new Set<GraphPermission>([
  'Application.ReadWrite.All',
  'AppRoleAssignment.ReadWrite.All',
  'Directory.ReadWrite.All',
  'Group.ReadWrite.All',
  'GroupMember.ReadWrite.All',
  'RoleManagement.ReadWrite.Directory',
  'ServicePrincipalEndpoint.ReadWrite.All',
]);

export const GRAPH_TIER0_PERMISSIONS = [...GRAPH_TIER0] as GraphPermission[];
export const GRAPH_READ_PERMISSIONS: readonly GraphPermission[] = [
  'User.Read.All',
  'Group.Read.All',
  'Directory.Read.All',
  'Application.Read.All',
  'Mail.Read',
  'Mail.Send',
  'Sites.Read.All',
  'Sites.ReadWrite.All',
  'Files.Read.All',
  'Calendars.Read',
  'AuditLog.Read.All',
  'Device.Read.All',
  'User.ReadWrite.All',
];

/** Office 365 Exchange Online: an "other API" whose application permissions are not Graph's. */
export const EXCHANGE = {
  appId: '00000002-0000-0ff1-ce00-000000000000',
  name: 'Office 365 Exchange Online',
  roles: {
    full_access_as_app: 'dc890d15-9560-4a4c-9b7f-a736ec74ec40',
    'Mail.Read': 'e2a3a72e-5f79-4c64-b1b1-878b674786c9',
    'Exchange.ManageAsApp': 'dc50a0fb-09a3-484d-be87-e023b12c6440',
  },
} as const;

/** First-party Microsoft service principals present in every tenant (no application object). */
export const MICROSOFT_SPS: readonly { appId: string; name: string }[] = [
  { appId: '00000003-0000-0ff1-ce00-000000000000', name: 'Office 365 SharePoint Online' },
  { appId: 'c5393580-f805-4401-95e8-94b7a6ef2fc2', name: 'Office 365 Management APIs' },
  { appId: '797f4846-ba00-4fd7-ba43-dac1f8f63013', name: 'Windows Azure Service Management API' },
  { appId: 'cc15fd57-2c6c-4117-a88c-83b1d56b4bbe', name: 'Microsoft Teams Services' },
  { appId: '0000000a-0000-0000-c000-000000000000', name: 'Microsoft Intune' },
  { appId: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', name: 'Azure Portal' },
];

/** The default app role ("default access") of an app that defines none. */
export const DEFAULT_APP_ROLE = '00000000-0000-0000-0000-000000000000';

/** Directory audit activities the rules match on (note the en dash and the trailing space). */
export const ACTIVITY = {
  disable: 'Disable account',
  enable: 'Enable account',
  addSpCredentials: 'Add service principal credentials',
  appCertsAndSecrets: 'Update application – Certificates and secrets management ',
  appCertsAndSecretsAscii: 'Update application - Certificates and secrets management',
  updateApplication: 'Update application',
  updateUser: 'Update user',
  addMember: 'Add member to group',
  resetPassword: 'Reset user password',
  consent: 'Consent to application',
} as const;

// ---------------------------------------------------------------------------------------------
// Okta

export interface OktaRoleType {
  type: string;
  label: string;
}

export const OKTA_ROLE = {
  superAdmin: { type: 'SUPER_ADMIN', label: 'Super Administrator' },
  orgAdmin: { type: 'ORG_ADMIN', label: 'Organization Administrator' },
  appAdmin: { type: 'APP_ADMIN', label: 'Application Administrator' },
  userAdmin: { type: 'USER_ADMIN', label: 'Group Administrator' },
  helpDeskAdmin: { type: 'HELP_DESK_ADMIN', label: 'Help Desk Administrator' },
  readOnlyAdmin: { type: 'READ_ONLY_ADMIN', label: 'Read-only Administrator' },
  groupMembershipAdmin: { type: 'GROUP_MEMBERSHIP_ADMIN', label: 'Group Membership Administrator' },
  reportAdmin: { type: 'REPORT_ADMIN', label: 'Report Administrator' },
} as const satisfies Record<string, OktaRoleType>;

export const OKTA_TIER0_ROLES: ReadonlySet<string> = new Set(['SUPER_ADMIN', 'ORG_ADMIN']);
export const OKTA_COMMON_ROLES: readonly OktaRoleType[] = [
  OKTA_ROLE.appAdmin,
  OKTA_ROLE.userAdmin,
  OKTA_ROLE.helpDeskAdmin,
  OKTA_ROLE.readOnlyAdmin,
  OKTA_ROLE.groupMembershipAdmin,
  OKTA_ROLE.reportAdmin,
];

/** An okta.* scope grant is tier 0 when it can manage (`okta.*.manage`). */
export function oktaScopeIsTier0(scope: string): boolean {
  return scope.startsWith('okta.') && scope.endsWith('.manage');
}

/** System Log event types of okta.service-app-credential-by-subject. */
export const OKTA_CREDENTIAL_EVENTS = [
  'app.oauth2.credentials.lifecycle.create',
  'app.oauth2.credentials.lifecycle.activate',
  'app.oauth2.client.read_client_secret',
] as const;

/** Okta statuses in which an account can still be used. */
export const OKTA_USABLE: ReadonlySet<string> = new Set(['ACTIVE', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'RECOVERY']);
/** Okta statuses that mean the account is disabled in its own source. */
export const OKTA_DISABLED: ReadonlySet<string> = new Set(['SUSPENDED', 'DEPROVISIONED']);

/** Sign-on modes whose users may set or see a password the app accepts. */
export const PASSWORD_SIGN_ON_MODES: ReadonlySet<string> = new Set(['AUTO_LOGIN', 'BROWSER_PLUGIN', 'SECURE_PASSWORD_STORE', 'BASIC_AUTH']);
export const USER_KNOWS_PASSWORD_SCHEMES: ReadonlySet<string> = new Set([
  'EDIT_USERNAME_AND_PASSWORD',
  'EDIT_PASSWORD_ONLY',
  'EXTERNAL_PASSWORD_SYNC',
]);

/** The rule ids of the catalogue, in catalogue order. */
export const RULE_IDS = [
  'entra.owned-app-secret',
  'entra.owned-app-certificate',
  'entra.owned-app-federated-credential',
  'entra.credential-added-by-subject',
  'entra.synced-disable-may-revert',
  'entra.sessions-not-revoked',
  'entra.dormant-role',
  'entra.dormant-ownership',
  'entra.dormant-app-assignment',
  'entra.dormant-consent-grant',
  'entra.dormant-membership',
  'nhi.ownerless',
  'okta.app-password-known',
  'okta.shared-app-password',
  'okta.downstream-account-not-deprovisioned',
  'okta.api-token-of-departed',
  'okta.refresh-token-active',
  'okta.service-app-credential-by-subject',
  'okta.idp-may-reactivate',
  'okta.dormant-role',
  'okta.dormant-app-assignment',
  'okta.dormant-membership',
  'person.other-account-active',
  'hr.leaver-account-enabled',
  'github.departed-member',
  'github.outside-collaborator-departed',
  'github.sso-credential-of-departed',
  'github.fine-grained-pat-of-departed',
  'github.deploy-key-by-departed',
  'github.app-owned-by-departed',
  'github.workflow-federated-credential',
  'azure.dormant-role',
  'azure.role-held-by-departed-guest',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

// ---------------------------------------------------------------------------------------------
// Azure resource plane (sources-azure.md "Facts behind the Azure rules", "Reach, tier 0")

export const AZURE_ROLE = {
  owner: { id: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', name: 'Owner', actions: ['*'], notActions: [] as string[] },
  contributor: { id: 'b24988ac-6180-42a0-ab88-20f7382dd24c', name: 'Contributor', actions: ['*'], notActions: ['Microsoft.Authorization/*/Write'] },
  userAccessAdmin: { id: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', name: 'User Access Administrator', actions: ['*/read', 'Microsoft.Authorization/*'], notActions: [] as string[] },
  rbacAdmin: { id: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168', name: 'Role Based Access Control Administrator', actions: ['Microsoft.Authorization/roleAssignments/write', 'Microsoft.Authorization/roleAssignments/delete', '*/read'], notActions: [] as string[] },
  reader: { id: 'acdd72a7-3385-48ef-bd42-f606fba81ae7', name: 'Reader', actions: ['*/read'], notActions: [] as string[] },
} as const;

/** Privileged built-in roles (admin role, severity line 2). */
const AZURE_PRIVILEGED: ReadonlySet<string> = new Set([AZURE_ROLE.owner.id, AZURE_ROLE.contributor.id, AZURE_ROLE.userAccessAdmin.id, AZURE_ROLE.rbacAdmin.id, 'a8889054-8d42-49c9-bc1c-52486c10e7cd']);
/** Roles that control assignments: tier 0 at `/` or the tenant root group without a condition. */
const AZURE_ASSIGNING: ReadonlySet<string> = new Set([AZURE_ROLE.owner.id, AZURE_ROLE.userAccessAdmin.id, AZURE_ROLE.rbacAdmin.id]);

/** The reach one Azure role confers (tenant root group = the management group named after the tenant id). */
export function azureRoleReach(role: string, scope: string, condition: string | null, tenantId: string): { tier0: boolean; priv: boolean } {
  const root = scope === '/' || scope.toLowerCase() === `/providers/microsoft.management/managementgroups/${tenantId}`;
  const priv = AZURE_PRIVILEGED.has(role);
  return { tier0: priv && root && condition === null && AZURE_ASSIGNING.has(role), priv };
}

/** GitHub Actions' OIDC issuer (sources-github.md, the workflow rule). */
export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';
/** GitHub's default SAML session: an IdP-blocked member keeps a window this long after D. */
export const GITHUB_SAML_WINDOW = 24 * 3600 * 1000;
