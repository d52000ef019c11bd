/**
 * The Microsoft identity platform credential a connection to Microsoft Graph or Azure Resource
 * Manager takes, read alike by the Entra and Azure sources' `capabilities.connection`: the auth
 * modes, the credential from command options or from a server config section, and that section's
 * schema. No dependencies, so declaring a connection loads no SDK (`@azure/identity` is loaded
 * only when a credential is needed). Nothing here prints or stores a credential.
 */
import { InputError } from './errors.js';

export type MicrosoftAuthMode = 'token' | 'env' | 'certificate' | 'managed-identity' | 'default';
export const MICROSOFT_AUTH_MODES: readonly MicrosoftAuthMode[] = ['token', 'env', 'certificate', 'managed-identity', 'default'];

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * The credential from command options (`--auth`, `--client-id`, `--certificate`,
 * `--authority-host`) for `tenant`: `--auth` defaults to `token` when a ready token is given
 * (the source's environment variable), else to `default`; the token is kept only in token mode.
 */
export function credentialFromCli(o: Readonly<Record<string, unknown>>, tenant: string, token: string | undefined): Record<string, unknown> {
  const mode = str(o.auth) ?? (token ? 'token' : 'default');
  if (!MICROSOFT_AUTH_MODES.includes(mode as MicrosoftAuthMode)) throw new InputError(`--auth must be one of ${MICROSOFT_AUTH_MODES.join(', ')} (got ${mode})`, { field: '--auth' });
  return { tenant, authorityHost: str(o.authorityHost), mode, token: mode === 'token' ? token : undefined, clientId: str(o.clientId), certificatePath: str(o.certificate) };
}

/** The credential from a server config section (its `token` a secret reference, resolved by `secret`). */
export function credentialFromConfig(c: Readonly<Record<string, unknown>>, secret: (ref: string, field: string) => string): Record<string, unknown> {
  return {
    tenant: c.tenant,
    authorityHost: c.authorityHost,
    mode: c.mode,
    token: typeof c.token === 'string' ? secret(c.token, 'token') : undefined,
    clientId: c.clientId,
    certificatePath: c.certificatePath,
  };
}

/** An http(s) URL in a config section. */
export const HTTP_URL_SCHEMA = { type: 'string', pattern: '^https?://', maxLength: 2048 } as const;

/** The credential's properties in a config section's JSON Schema (`tenant` is required). */
export const CREDENTIAL_CONFIG_PROPERTIES = {
  tenant: { type: 'string', minLength: 1 },
  mode: { enum: [...MICROSOFT_AUTH_MODES] },
  token: { type: 'string', minLength: 1, maxLength: 8192 },
  clientId: { type: 'string' },
  certificatePath: { type: 'string' },
  authorityHost: HTTP_URL_SCHEMA,
} as const;
