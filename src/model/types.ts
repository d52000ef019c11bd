/**
 * The shapes of graph nodes and edges and of the properties each node kind carries. Properties
 * are the subset of the raw API object that analysis, evidence and reports use; the raw object
 * stays in the collection, reachable through the provenance (file and line) every node and edge
 * keeps.
 */
import type { EdgeKind, NodeKind } from './schema.js';

/** Where a node or edge came from: a collection file (relative to the collection root) and line. */
export interface Prov {
  file: string;
  line: number;
}

export interface GraphNode<P = NodeProps> {
  key: string;
  kind: NodeKind;
  /** The source's own id (canonicalised). */
  id: string;
  /** `entra:<tenant>`, `okta:<org>`, `hr:<system>`, or `derived`. */
  sourceKey: string;
  props: P;
  prov?: Prov;
}

export interface GraphEdge {
  kind: EdgeKind;
  from: string;
  to: string;
  props?: EdgeProps;
  prov?: Prov;
}

export type EdgeProps = Record<string, string | number | boolean | null>;

/** ISO-8601 string as the API gave it, or null. */
export type Iso = string | null;

export interface EntraUserProps extends BaseProps {
  name: string;
  upn: string | null;
  displayName: string | null;
  mail: string | null;
  accountEnabled: boolean | null;
  userType: string | null;
  employeeId: string | null;
  employeeLeaveDateTime: Iso;
  onPremisesSyncEnabled: boolean | null;
  signInSessionsValidFromDateTime: Iso;
  deleted: boolean;
  deletedDateTime: Iso;
  /** Only known by reference (an owner or member that is not in users.jsonl). */
  stub?: boolean;
}

export interface EntraGroupProps extends BaseProps {
  name: string;
  isAssignableToRole: boolean;
  securityEnabled: boolean | null;
  stub?: boolean;
}

export interface EntraAppProps extends BaseProps {
  name: string;
  appId: string | null;
  stub?: boolean;
}

export interface EntraSpProps extends BaseProps {
  name: string;
  appId: string | null;
  servicePrincipalType: string | null;
  accountEnabled: boolean | null;
  /** Application roles this service principal exposes as a resource: id → value. */
  appRoles: { id: string; value: string | null; displayName: string | null }[];
  stub?: boolean;
}

export interface EntraCredentialProps extends BaseProps {
  name: string;
  keyId: string;
  displayName: string | null;
  startDateTime: Iso;
  endDateTime: Iso;
  /** `application` or `servicePrincipal`: what carries it. */
  on: 'application' | 'servicePrincipal';
  type?: string | null;
}

export interface FederatedCredentialProps extends BaseProps {
  name: string;
  issuer: string | null;
  subject: string | null;
  audiences: string[];
}

export interface EntraRoleDefinitionProps extends BaseProps {
  name: string;
  templateId: string | null;
}

export interface EntraRoleAssignmentProps extends BaseProps {
  name: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string | null;
}

export interface EntraRoleEligibilityProps extends EntraRoleAssignmentProps {
  endDateTime: Iso;
  status: string | null;
}

export interface EntraAppRoleAssignmentProps extends BaseProps {
  name: string;
  appRoleId: string;
  principalId: string;
  principalType: string | null;
  resourceId: string;
  resourceDisplayName: string | null;
}

export interface EntraOAuth2GrantProps extends BaseProps {
  name: string;
  consentType: string | null;
  principalId: string | null;
  clientId: string;
  resourceId: string;
  scope: string | null;
}

export interface EntraAuditEventProps extends BaseProps {
  name: string;
  activity: string;
  activityDateTime: Iso;
  initiatedByUserId: string | null;
  result: string | null;
  targets: {
    id: string;
    type: string | null;
    modifiedProperties: { displayName: string | null; oldValue: string | null; newValue: string | null }[];
  }[];
}

export interface OktaUserProps extends BaseProps {
  name: string;
  login: string | null;
  email: string | null;
  employeeNumber: string | null;
  status: string;
  statusChanged: Iso;
  providerType: string | null;
  stub?: boolean;
}

export interface OktaGroupProps extends BaseProps {
  name: string;
  type: string | null;
  stub?: boolean;
}

export interface OktaAppProps extends BaseProps {
  name: string;
  label: string | null;
  status: string | null;
  signOnMode: string | null;
  features: string[];
  scheme: string | null;
  revealPassword: boolean | null;
  applicationType: string | null;
  stub?: boolean;
}

export interface OktaAppFeatureProps extends BaseProps {
  name: string;
  status: string | null;
  lifecycleDeactivate: string | null;
}

export interface OktaApiTokenProps extends BaseProps {
  name: string;
  userId: string;
  expiresAt: Iso;
  created: Iso;
}

export interface OktaRefreshTokenProps extends BaseProps {
  name: string;
  userId: string | null;
  clientId: string | null;
  status: string | null;
  expiresAt: Iso;
  created: Iso;
}

export interface OktaClientCredentialProps extends BaseProps {
  name: string;
  appId: string;
  status: string | null;
  created: Iso;
  kid?: string | null;
}

export interface OktaRoleAssignmentProps extends BaseProps {
  name: string;
  type: string | null;
  status: string | null;
  assignmentType: string | null;
  /** `user`, `group` or `client`: who holds it. */
  holder: 'user' | 'group' | 'client';
  holderId: string;
}

export interface OktaScopeGrantProps extends BaseProps {
  name: string;
  scopeId: string;
  status: string | null;
  clientId: string | null;
  userId?: string | null;
}

export interface OktaIdpProps extends BaseProps {
  name: string;
  type: string | null;
  status: string | null;
  deprovisionedAction: string | null;
  suspendedAction: string | null;
}

export interface OktaLogEventProps extends BaseProps {
  name: string;
  eventType: string;
  published: Iso;
  actorId: string | null;
  targetIds: string[];
  outcome: string | null;
}

export interface HrPersonProps extends BaseProps {
  name: string;
  employeeId: string | null;
  email: string | null;
  displayName: string | null;
  status: 'active' | 'terminated';
  terminationDate: Iso;
}

export interface PersonProps extends BaseProps {
  name: string;
  employeeId: string | null;
  members: number;
}

/** What every node's properties have: a display name, and `stub` when only known by reference. */
export interface BaseProps {
  name: string;
  stub?: boolean;
}

/** Properties of a node whose kind is not known statically. */
export type NodeProps = BaseProps & { [k: string]: unknown };

/**
 * The property type of every node kind, in one map, read through `propsOf` (src/model/props.ts)
 * instead of casting. A source that contributes a node kind adds its entry here (or augments the
 * interface from its own folder: `declare module '…/src/model/types.js' { interface NodePropsByKind { … } }`).
 */
export interface NodePropsByKind {
  EntraUser: EntraUserProps;
  EntraGroup: EntraGroupProps;
  EntraApplication: EntraAppProps;
  EntraServicePrincipal: EntraSpProps;
  EntraDirectoryObject: BaseProps & { odataType: string | null };
  PasswordCredential: EntraCredentialProps;
  KeyCredential: EntraCredentialProps;
  FederatedIdentityCredential: FederatedCredentialProps;
  EntraRoleDefinition: EntraRoleDefinitionProps;
  EntraRoleAssignment: EntraRoleAssignmentProps;
  EntraRoleEligibility: EntraRoleEligibilityProps;
  EntraAppRoleAssignment: EntraAppRoleAssignmentProps;
  EntraOAuth2Grant: EntraOAuth2GrantProps;
  EntraAuditEvent: EntraAuditEventProps;
  EntraTenant: BaseProps;
  OktaUser: OktaUserProps;
  OktaGroup: OktaGroupProps;
  OktaApp: OktaAppProps;
  OktaAppFeature: OktaAppFeatureProps;
  OktaApiToken: OktaApiTokenProps;
  OktaRefreshToken: OktaRefreshTokenProps;
  OktaClientSecret: OktaClientCredentialProps;
  OktaJwk: OktaClientCredentialProps;
  OktaRoleAssignment: OktaRoleAssignmentProps;
  OktaScopeGrant: OktaScopeGrantProps;
  OktaIdentityProvider: OktaIdpProps;
  OktaLogEvent: OktaLogEventProps;
  OktaOrg: BaseProps;
  HrPerson: HrPersonProps;
  Person: PersonProps;
}
