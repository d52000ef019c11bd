/**
 * The in-memory model of a synthetic tenant: the objects the writers turn into collection lines
 * and the ground truth judges. Background bulk (users, group memberships, user assignments) is
 * not held here: it is described by stride selections (`StrideSel`) over compact arrays of
 * person indices and expanded only while writing. Everything a leaver touches is held
 * explicitly, so that the expected findings can be derived from exactly what was planted.
 */
import type { GraphPermission } from './catalogue.js';

/**
 * `size` distinct elements of `space`: space[(start + i * stride) mod space.length] for
 * i < size, with gcd(stride, space.length) = 1.
 */
export interface StrideSel {
  size: number;
  start: number;
  stride: number;
}

export interface Ref {
  type: 'user' | 'group' | 'servicePrincipal' | 'device';
  id: string;
}

// ---------------------------------------------------------------------------------------------
// Entra

export interface RoleAssign {
  id: string;
  principalId: string;
  template: string;
  scope: string;
}

export interface Eligibility extends RoleAssign {
  start: number;
  end: number | null;
}

export interface Cred {
  keyId: string;
  kind: 'secret' | 'cert';
  start: number;
  end: number | null;
  displayName: string;
  hint: string;
  thumbprint: string;
  usage: 'Verify' | 'Sign';
}

export interface Fic {
  id: string;
  name: string;
  issuer: string;
  subject: string;
  description: string | null;
}

export interface AppRoleGrant {
  id: string;
  resourceSpId: string;
  resourceName: string;
  roleId: string;
}

export interface ExposedRole {
  id: string;
  value: string;
  displayName: string;
  allowedMemberTypes: string[];
}

export type EntraAppKind = 'registration' | 'gallery' | 'microsoft' | 'managedIdentity' | 'graph';

/** An application registration with its service principal, or a service principal alone. */
export interface EntraApp {
  kind: EntraAppKind;
  name: string;
  /** The application object's id; null for a service principal without an application here. */
  appObjectId: string | null;
  appId: string;
  spId: string;
  created: number;
  signInAudience: string;
  appOwnerOrganizationId: string;
  appCreds: Cred[];
  spCreds: Cred[];
  fics: Fic[];
  appOwners: Ref[];
  spOwners: Ref[];
  graphPerms: (AppRoleGrant & { perm: GraphPermission })[];
  otherPerms: AppRoleGrant[];
  spRoles: RoleAssign[];
  exposes: ExposedRole[];
  /** Background users assigned to this service principal (app access). */
  userAssign: (StrideSel & { roleId: string }) | null;
  groupAssign: { id: string; groupId: string; groupName: string; roleId: string }[];
  /** Background users' delegated consents to this client. */
  principalGrants: (StrideSel & { scope: string; resourceSpId: string }) | null;
  allPrincipalsGrant: { id: string; scope: string; resourceSpId: string } | null;
  tags: string[];
  planted: boolean;
  /** Azure roles its service principal holds (synth --azure). */
  azure?: AzureRole[];
}

export type EntraGroupKind = 'all' | 'dept' | 'site' | 'guests' | 'zipf' | 'roleAssignable' | 'devices' | 'planted';

export interface EntraGroup {
  id: string;
  name: string;
  description: string | null;
  kind: EntraGroupKind;
  created: number;
  securityEnabled: boolean;
  mailEnabled: boolean;
  groupTypes: string[];
  isAssignableToRole: boolean;
  membershipRule: string | null;
  /** Background members drawn from a space of person indices (resolved by the writer). */
  sel: (StrideSel & { space: 'member' | 'guest' | 'dept' | 'site'; key: number }) | null;
  explicit: Ref[];
  deviceCount: number;
  /** Leaver (and leaver-person) accounts planted as direct members. */
  planted: string[];
  owners: Ref[];
  /** Active directory role assignments held by the group (role-assignable groups only). */
  roles: RoleAssign[];
  /** Azure roles the group holds (synth --azure). */
  azure?: AzureRole[];
}

/**
 * An Azure role assignment or PIM eligibility a principal holds (sources-azure.md): the ARM id
 * (the finding's `via`), the role definition's GUID, the scope, and for an eligibility its end.
 */
export interface AzureRole {
  id: string;
  role: string;
  scope: string;
  principalId: string;
  principalType: 'User' | 'Group' | 'ServicePrincipal' | 'Unknown';
  condition: string | null;
  eligible: boolean;
  end: number | null;
  /** Its reach, decided once by catalogue.azureRoleReach. */
  tier0: boolean;
  priv: boolean;
}

// ---------------------------------------------------------------------------------------------
// Okta

export interface OktaRoleAssign {
  id: string;
  type: string;
  label: string;
  created: number;
}

export interface OktaSecret {
  id: string;
  status: 'ACTIVE' | 'INACTIVE';
  created: number;
}

export interface OktaJwk {
  id: string;
  kid: string;
  status: 'ACTIVE' | 'INACTIVE';
  created: number;
}

export interface OktaGrant {
  id: string;
  scope: string;
  created: number;
}

export type OauthType = 'web' | 'service' | 'native' | 'browser';

export interface OktaApp {
  id: string;
  name: string;
  label: string;
  signOnMode: string;
  features: string[];
  scheme: string | null;
  revealPassword: boolean | null;
  /** The USER_PROVISIONING appFeatures record, when the app has one. */
  provisioningRecord: { lifecycleDeactivate: 'ENABLED' | 'DISABLED' } | null;
  /** App users get a downstream externalId (the app provisions accounts). */
  externalIds: boolean;
  externalPrefix: string;
  oauth: { type: OauthType; authMethod: string } | null;
  secrets: OktaSecret[];
  jwks: OktaJwk[];
  clientRoles: OktaRoleAssign[];
  grants: OktaGrant[];
  /** The one group this app is assigned to (its members get GROUP-scoped app users). */
  group: OktaGroup | null;
  groupAssignmentId: string;
  direct: StrideSel | null;
  planted: PlantedAppUser[];
  created: number;
}

export interface OktaGroup {
  id: string;
  name: string;
  description: string | null;
  type: 'OKTA_GROUP' | 'APP_GROUP' | 'BUILT_IN';
  created: number;
  everyone: boolean;
  sel: StrideSel | null;
  /** Background admin persons (indices) who are explicit members. */
  explicitPersons: number[];
  planted: string[];
  roles: OktaRoleAssign[];
  apps: OktaApp[];
}

export interface OktaIdp {
  id: string;
  type: string;
  name: string;
  protocol: string;
  deprovisioned: 'NONE' | 'REACTIVATE';
  suspended: 'NONE' | 'UNSUSPEND';
}

export interface PlantedAppUser {
  userId: string;
  login: string;
  scope: 'USER' | 'GROUP';
  externalId: string | null;
  status: string;
  created: number;
}

// ---------------------------------------------------------------------------------------------
// Leaver persons: every account of a planted person, with everything it holds.

export interface CredEvent {
  id: string;
  time: number;
  activity: string;
  target: EntraApp;
  targetType: 'Application' | 'ServicePrincipal';
  /** Key ids before and after (as the audit text lists them), with their display case. */
  oldKeys: string[];
  newKeys: string[];
  upperCaseKeys: boolean;
}

export interface EntraAccount {
  source: 'entra';
  id: string;
  upn: string;
  mail: string | null;
  displayName: string;
  givenName: string;
  surname: string;
  employeeId: string | null;
  userType: 'Member' | 'Guest';
  enabled: boolean;
  deleted: boolean;
  deletedAt: number | null;
  leaveDate: number | null;
  synced: boolean | null;
  sessionsValidFrom: number | null;
  disableEvents: number[];
  enableEvents: number[];
  created: number;
  department: string | null;
  groups: EntraGroup[];
  roles: RoleAssign[];
  eligibilities: Eligibility[];
  appAssignments: { id: string; app: EntraApp; roleId: string; created: number }[];
  grants: { id: string; client: EntraApp; resourceSpId: string; scope: string }[];
  ownedApps: EntraApp[];
  ownedSps: EntraApp[];
  ownedGroups: EntraGroup[];
  credEvents: CredEvent[];
  /** Azure roles and eligibilities held directly (synth --azure). */
  azure?: AzureRole[];
}

export interface OktaAccount {
  source: 'okta';
  id: string;
  login: string;
  email: string;
  employeeNumber: string | null;
  firstName: string;
  lastName: string;
  status: string;
  statusChanged: number;
  provider: 'OKTA' | 'FEDERATION' | 'SOCIAL';
  created: number;
  groups: OktaGroup[];
  apps: { app: OktaApp; record: PlantedAppUser }[];
  userRoles: OktaRoleAssign[];
  apiTokens: { id: string; name: string; expiresAt: number; created: number }[];
  refreshTokens: { id: string; status: 'ACTIVE' | 'REVOKED'; expiresAt: number | null; created: number; app: OktaApp }[];
  svcEvents: { uuid: string; time: number; eventType: string; app: OktaApp }[];
}

export interface HrRecord {
  employeeId: string | null;
  email: string | null;
  displayName: string;
  status: 'active' | 'terminated';
  terminationDate: string | null;
}

export interface LeaverPerson {
  /** Person index (ordering in users.jsonl); the recycled-mail companion shares its predecessor's. */
  p: number;
  kind: string;
  entra: EntraAccount[];
  okta: OktaAccount[];
  hr: HrRecord | null;
}

export type Account = EntraAccount | OktaAccount;
