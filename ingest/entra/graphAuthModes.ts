/**
 * The ways Revenant can authenticate to Microsoft Graph (and Azure Resource Manager), as a
 * constant with no dependencies: the CLI lists and checks them when it registers its options,
 * without loading `@azure/identity` (about 0.3 s of every command's start) until a collector
 * actually needs a credential (GraphTokenProvider).
 */
export type GraphAuthMode = 'token' | 'env' | 'certificate' | 'managed-identity' | 'default';
export const GRAPH_AUTH_MODES: readonly GraphAuthMode[] = ['token', 'env', 'certificate', 'managed-identity', 'default'];
