/**
 * Okta's documented rate-limit buckets (Management rate limits), defined once: `/api/v1/apps`
 * and every `/api/v1/apps/{id}/…` share one; the user and group list endpoints and by-id
 * endpoints, the System Log, OAuth client and token endpoints and `/api/v1/iam` have their own.
 * The request executor paces each bucket from Okta's headers; the Okta fake in test/ counts
 * requests against the same buckets.
 */

/** Bucket names, in the order a path is tested against them. */
const BUCKETS: readonly (readonly [name: string, matches: (path: string) => boolean])[] = [
  ['users-list', (p) => p === '/api/v1/users'],
  ['user-by-id', (p) => /^\/api\/v1\/users\/[^/]+$/.test(p)],
  ['app-by-id', (p) => /^\/api\/v1\/apps\/[^/]+$/.test(p)],
  ['apps', (p) => p.startsWith('/api/v1/apps')],
  ['groups-list', (p) => p === '/api/v1/groups'],
  ['group-by-id', (p) => /^\/api\/v1\/groups\/[^/]+$/.test(p)],
  ['logs', (p) => p.startsWith('/api/v1/logs')],
  ['oauth2-clients', (p) => p.startsWith('/oauth2/v1/clients')],
  ['oauth2-token', (p) => p.startsWith('/oauth2/v1/token')],
  ['iam', (p) => p.startsWith('/api/v1/iam')],
];

/** The documented bucket a request path counts against, or undefined for every other endpoint. */
export function oktaBucketOf(path: string): string | undefined {
  return BUCKETS.find(([, matches]) => matches(path))?.[0];
}
