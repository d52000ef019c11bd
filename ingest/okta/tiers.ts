/**
 * Okta's privilege tiers, from the catalogue's "Reach and tier 0": the admin roles and `okta.*`
 * scopes that control a whole org. Read by Okta's reach (reach.ts) and its part of the privilege
 * graph (privileges.ts), nowhere else.
 */

export const TIER0_OKTA_ROLES: ReadonlySet<string> = new Set(['SUPER_ADMIN', 'ORG_ADMIN']);

/** `okta.<resource>.manage` scopes are tier 0. */
export function isTier0OktaScope(scope: string): boolean {
  return /^okta\.[A-Za-z0-9_]+\.manage$/.test(scope);
}

export function isOktaScope(scope: string): boolean {
  return scope.startsWith('okta.');
}
