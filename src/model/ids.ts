/**
 * Identifiers, canonicalised at the boundary: Entra GUIDs lower-cased, every other id verbatim
 * (Okta ids, Graph assignment and grant ids are case-sensitive). A node key namespaces an id by
 * its source (`entra:<tenant>`, `okta:<org>`, `hr:<system>`) and an id space, so that two tenants
 * never collide and references resolve without knowing the referenced object's type.
 */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Lower-case a GUID; leave anything else exactly as it is. (Hot path: checks the shape before the regex.) */
export function canonicalId(id: string): string {
  if (id.length !== 36 || id.charCodeAt(8) !== 45 || id.charCodeAt(23) !== 45) return id;
  if (!/[A-F]/.test(id)) return id;
  return GUID.test(id) ? id.toLowerCase() : id;
}


/**
 * Id spaces inside a source. Entra directory objects (users, groups, applications, service
 * principals, devices, contacts) share one space: a role assignment's `principalId` or an owner
 * reference resolves without knowing the type. Everything else has a space of its own.
 */
export const IdSpace = {
  entraObject: 'o',
  credential: 'cred',
  roleDefinition: 'roledef',
  roleAssignment: 'ra',
  roleEligibility: 're',
  appRoleAssignment: 'ara',
  oauth2Grant: 'grant',
  auditEvent: 'audit',
  tenant: 'tenant',
  oktaUser: 'user',
  oktaGroup: 'group',
  oktaApp: 'app',
  oktaFeature: 'feature',
  oktaApiToken: 'apitoken',
  oktaRefreshToken: 'rtoken',
  oktaSecret: 'secret',
  oktaJwk: 'jwk',
  oktaRole: 'role',
  oktaScopeGrant: 'scopegrant',
  oktaIdp: 'idp',
  oktaLog: 'log',
  hrPerson: 'person',
} as const;
export type IdSpace = (typeof IdSpace)[keyof typeof IdSpace];

/** Ids are escaped so that a key always splits into exactly source, space and id. */
function escapeId(id: string): string {
  return id.includes('/') || id.includes('%') ? id.replace(/%/g, '%25').replace(/\//g, '%2F') : id;
}

function unescapeId(id: string): string {
  return id.includes('%') ? id.replace(/%2F/g, '/').replace(/%25/g, '%') : id;
}

/** A node's key: its source key, its id space (an IdSpace, or one a registered source emits) and its id. */
export function nodeKey(sourceKey: string, space: string, id: string): string {
  return `${sourceKey}/${space}/${escapeId(id)}`;
}

/** Key of a derived Person node. */
export function personKey(id: string): string {
  return `person/p/${escapeId(id)}`;
}

/** Split a node key back into its parts (the source key may contain slashes; space and id do not). */
export function parseNodeKey(key: string): { sourceKey: string; space: string; id: string } {
  const idStart = key.lastIndexOf('/');
  const spaceStart = key.lastIndexOf('/', idStart - 1);
  return {
    sourceKey: key.slice(0, spaceStart),
    space: key.slice(spaceStart + 1, idStart),
    id: unescapeId(key.slice(idStart + 1)),
  };
}
