/**
 * The graph schema, defined once: every node kind and edge kind Revenant knows, with the
 * direction of each edge. Everything else (loader, rules, Neo4j labels, reports) refers to
 * these names; traversals use the named edge sets at the bottom, never loose strings.
 */

export const NodeKind = {
  // --- Entra (Microsoft Graph) ---
  EntraUser: 'EntraUser',
  EntraGroup: 'EntraGroup',
  EntraApplication: 'EntraApplication',
  EntraServicePrincipal: 'EntraServicePrincipal',
  /** A directory object we only know by reference (a device, an org contact, an unlisted user). */
  EntraDirectoryObject: 'EntraDirectoryObject',
  /** An application or service principal secret (`passwordCredentials[]`). */
  PasswordCredential: 'PasswordCredential',
  /** A certificate (`keyCredentials[]`). */
  KeyCredential: 'KeyCredential',
  FederatedIdentityCredential: 'FederatedIdentityCredential',
  EntraRoleDefinition: 'EntraRoleDefinition',
  /** An active directory role assignment (unifiedRoleAssignment). */
  EntraRoleAssignment: 'EntraRoleAssignment',
  /** A PIM eligibility (unifiedRoleEligibilitySchedule). */
  EntraRoleEligibility: 'EntraRoleEligibility',
  /** An app role assignment: a user's app access, or a service principal's application permission. */
  EntraAppRoleAssignment: 'EntraAppRoleAssignment',
  EntraOAuth2Grant: 'EntraOAuth2Grant',
  EntraAuditEvent: 'EntraAuditEvent',
  /** The tenant itself: the target of tenant-wide privileges (derived). */
  EntraTenant: 'EntraTenant',

  // --- Okta (Management API) ---
  OktaUser: 'OktaUser',
  OktaGroup: 'OktaGroup',
  OktaApp: 'OktaApp',
  OktaAppFeature: 'OktaAppFeature',
  OktaApiToken: 'OktaApiToken',
  OktaRefreshToken: 'OktaRefreshToken',
  OktaClientSecret: 'OktaClientSecret',
  OktaJwk: 'OktaJwk',
  OktaRoleAssignment: 'OktaRoleAssignment',
  OktaScopeGrant: 'OktaScopeGrant',
  OktaIdentityProvider: 'OktaIdentityProvider',
  OktaLogEvent: 'OktaLogEvent',
  OktaOrg: 'OktaOrg',

  // --- HR and correlation ---
  HrPerson: 'HrPerson',
  /** Derived: the human behind correlated accounts and HR records. */
  Person: 'Person',
} as const;
export type NodeKind = (typeof NodeKind)[keyof typeof NodeKind];
export const NODE_KINDS: readonly NodeKind[] = Object.values(NodeKind);

export const EdgeKind = {
  // (:EntraUser|EntraGroup|EntraServicePrincipal|EntraDirectoryObject)-[:MEMBER_OF]->(:EntraGroup)
  // (:OktaUser)-[:MEMBER_OF]->(:OktaGroup)
  MEMBER_OF: 'MEMBER_OF',
  // (:EntraUser|EntraServicePrincipal)-[:OWNS]->(:EntraGroup|EntraApplication|EntraServicePrincipal)
  OWNS: 'OWNS',
  // (:EntraApplication|EntraServicePrincipal)-[:HAS_CREDENTIAL]->(:PasswordCredential|KeyCredential|FederatedIdentityCredential)
  // (:OktaApp)-[:HAS_CREDENTIAL]->(:OktaClientSecret|OktaJwk)
  HAS_CREDENTIAL: 'HAS_CREDENTIAL',
  // (:EntraServicePrincipal)-[:INSTANCE_OF]->(:EntraApplication)   derived from appId
  INSTANCE_OF: 'INSTANCE_OF',
  // Derived: what a credential or token signs in as.
  // (:PasswordCredential|KeyCredential|FederatedIdentityCredential)-[:AUTHENTICATES_AS]->(:EntraServicePrincipal)
  // (:OktaClientSecret|OktaJwk)-[:AUTHENTICATES_AS]->(:OktaApp)
  // (:OktaApiToken|OktaRefreshToken)-[:AUTHENTICATES_AS]->(:OktaUser)
  AUTHENTICATES_AS: 'AUTHENTICATES_AS',
  // (:EntraUser|EntraGroup|EntraServicePrincipal)-[:HAS_ROLE]->(:EntraRoleAssignment)
  // (:OktaUser|OktaGroup|OktaApp)-[:HAS_ROLE]->(:OktaRoleAssignment)
  HAS_ROLE: 'HAS_ROLE',
  // (:EntraUser|EntraGroup|EntraServicePrincipal)-[:ELIGIBLE_FOR]->(:EntraRoleEligibility)
  ELIGIBLE_FOR: 'ELIGIBLE_FOR',
  // (:EntraRoleAssignment|EntraRoleEligibility)-[:OF_ROLE]->(:EntraRoleDefinition)
  OF_ROLE: 'OF_ROLE',
  // (:EntraUser|EntraGroup|EntraServicePrincipal)-[:HAS_APP_ROLE]->(:EntraAppRoleAssignment)
  HAS_APP_ROLE: 'HAS_APP_ROLE',
  // (:EntraAppRoleAssignment)-[:ON_RESOURCE]->(:EntraServicePrincipal)
  // (:EntraOAuth2Grant)-[:ON_RESOURCE]->(:EntraServicePrincipal)
  ON_RESOURCE: 'ON_RESOURCE',
  // (:EntraUser)-[:CONSENTED]->(:EntraOAuth2Grant)      (consentType Principal)
  // (:OktaUser)-[:CONSENTED]->(:OktaScopeGrant)          (userGrants)
  CONSENTED: 'CONSENTED',
  // (:EntraOAuth2Grant|OktaScopeGrant|OktaRefreshToken)-[:FOR_CLIENT]->(:EntraServicePrincipal|OktaApp)
  FOR_CLIENT: 'FOR_CLIENT',
  // (:EntraUser|OktaUser)-[:INITIATED]->(:EntraAuditEvent|OktaLogEvent)
  INITIATED: 'INITIATED',
  // (:EntraAuditEvent|OktaLogEvent)-[:TARGETS]->(any)
  TARGETS: 'TARGETS',
  // (:OktaUser)-[:APP_USER {scope, externalId, status}]->(:OktaApp)
  APP_USER: 'APP_USER',
  // (:OktaGroup)-[:ASSIGNED_TO]->(:OktaApp)
  ASSIGNED_TO: 'ASSIGNED_TO',
  // (:OktaApp)-[:HAS_FEATURE]->(:OktaAppFeature)
  HAS_FEATURE: 'HAS_FEATURE',
  // (:OktaApp)-[:HAS_GRANT]->(:OktaScopeGrant)            (appGrants: scopes granted to the app)
  HAS_GRANT: 'HAS_GRANT',
  // (:OktaUser)-[:HAS_API_TOKEN]->(:OktaApiToken)
  HAS_API_TOKEN: 'HAS_API_TOKEN',
  // (:OktaUser)-[:HAS_REFRESH_TOKEN]->(:OktaRefreshToken)
  HAS_REFRESH_TOKEN: 'HAS_REFRESH_TOKEN',
  // (:EntraUser|OktaUser|HrPerson)-[:SAME_PERSON {key, value, strength}]->(:EntraUser|OktaUser|HrPerson)   derived
  SAME_PERSON: 'SAME_PERSON',
  // (:EntraUser|OktaUser|HrPerson)-[:BELONGS_TO]->(:Person)                                                derived
  BELONGS_TO: 'BELONGS_TO',
  // Derived privilege edges, from what a role or application permission allows:
  // (:EntraAppRoleAssignment|EntraRoleAssignment)-[:CAN_ADD_CREDENTIALS]->(:EntraTenant)   every application and service principal
  CAN_ADD_CREDENTIALS: 'CAN_ADD_CREDENTIALS',
  // (:EntraAppRoleAssignment|EntraRoleAssignment)-[:CAN_GRANT_ROLES]->(:EntraTenant)       any directory role, any app role
  CAN_GRANT_ROLES: 'CAN_GRANT_ROLES',
  // (:EntraAppRoleAssignment|EntraRoleAssignment)-[:CAN_MANAGE_GROUPS]->(:EntraTenant)     every group's membership
  CAN_MANAGE_GROUPS: 'CAN_MANAGE_GROUPS',
  // (:EntraRoleAssignment)-[:CONTROLS_TENANT]->(:EntraTenant)                               Global Administrator and peers
  // (:OktaRoleAssignment|OktaScopeGrant)-[:CONTROLS_TENANT]->(:OktaOrg)                     SUPER_ADMIN, ORG_ADMIN, okta.*.manage
  CONTROLS_TENANT: 'CONTROLS_TENANT',
} as const;
export type EdgeKind = (typeof EdgeKind)[keyof typeof EdgeKind];
export const EDGE_KINDS: readonly EdgeKind[] = Object.values(EdgeKind);

/**
 * A source kind: the `source` of a manifest, registered in the source registry
 * (src/model/source.ts, ingest/sources.ts). Not a fixed list: a source folder declares itself.
 */
export type SourceKind = string;
/** Any source a collector writes, registered for analysis or not (same as SourceKind). */
export type CollectedSourceKind = SourceKind;

/**
 * A node kind that a source contributes to the schema (listed in its SourceDefinition's
 * `nodeKinds`): the one place a kind that is not above becomes a NodeKind.
 */
export function sourceNodeKind(name: string): NodeKind {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) throw new Error(`schema: bad node kind ${JSON.stringify(name)} (an identifier starting with a capital)`);
  if ((NODE_KINDS as readonly string[]).includes(name)) throw new Error(`schema: node kind ${name} is already in the schema`);
  return name as NodeKind;
}

/**
 * An edge kind that a source contributes to the schema (listed in its SourceDefinition's
 * `edgeKinds`): the one place a kind that is not above becomes an EdgeKind.
 */
export function sourceEdgeKind(name: string): EdgeKind {
  if (!/^[A-Z][A-Z0-9_]*$/.test(name)) throw new Error(`schema: bad edge kind ${JSON.stringify(name)} (upper case and underscores)`);
  if ((EDGE_KINDS as readonly string[]).includes(name)) throw new Error(`schema: edge kind ${name} is already in the schema`);
  return name as EdgeKind;
}
