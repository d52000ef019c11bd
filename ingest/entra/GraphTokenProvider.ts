/**
 * Access tokens for Microsoft Graph: either a ready bearer token (`REVENANT_GRAPH_TOKEN`, what
 * `az account get-access-token --resource-type ms-graph` prints), or a credential of
 * `@azure/identity` — client secret or certificate from the `EnvironmentCredential` variables,
 * a certificate file, a managed identity, or the default chain. Tokens are cached and renewed two
 * minutes before they expire; `refresh()` (after a 401 from Graph) drops the cache and builds a
 * new credential so the next token is new, not the cached one. Token values never leave this
 * object except as the `Authorization` header the Graph client sets.
 */
import {
  type AccessToken,
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import { InputError } from '../../src/model/errors.js';
import { SourceApiError } from '../collection/SourceApiError.js';

import type { GraphAuthMode } from './graphAuthModes.js';

export { GRAPH_AUTH_MODES, type GraphAuthMode } from './graphAuthModes.js';

export interface GraphAuthOptions {
  /** How to authenticate; default: `token` when a token is given, else `default`. */
  mode?: GraphAuthMode;
  /** A ready bearer token (mode `token`). */
  token?: string;
  /** Tenant id or domain (used when AZURE_TENANT_ID is not set). */
  tenant: string;
  /** https://graph.microsoft.com (the token's audience is `<graphUrl>/.default`). */
  graphUrl: string;
  /** Entra authority for national clouds and tests, e.g. https://login.microsoftonline.us. */
  authorityHost?: string;
  /** Application (client) id for `certificate` and a user-assigned `managed-identity`. */
  clientId?: string;
  /** PEM file with the certificate and its private key (mode `certificate`). */
  certificatePath?: string;
  /** Environment to read the AZURE_* variables from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** For messages: the resource (default Microsoft Graph), the command, the token variable. */
  resourceName?: string;
  command?: string;
  tokenEnv?: string;
}

const KNOWN_AUTHORITIES = new Set([
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
  'login.microsoftonline.de',
]);

export class GraphTokenProvider {
  private cached: AccessToken | undefined;
  private inflight: Promise<AccessToken> | undefined;
  private credential: TokenCredential | undefined;
  readonly mode: GraphAuthMode;
  private readonly scope: string;
  private readonly resourceName: string;
  private readonly command: string;
  private readonly tokenEnv: string;

  constructor(private readonly opts: GraphAuthOptions) {
    this.resourceName = opts.resourceName ?? 'Microsoft Graph';
    this.command = opts.command ?? 'collect entra';
    this.tokenEnv = opts.tokenEnv ?? 'REVENANT_GRAPH_TOKEN';
    this.mode = opts.mode ?? (opts.token ? 'token' : 'default');
    this.scope = `${opts.graphUrl.replace(/\/+$/, '')}/.default`;
    if (this.mode === 'token') {
      if (!opts.token?.trim()) throw new InputError(`${this.command}: --auth token needs ${this.tokenEnv} (a bearer token for ${this.resourceName})`);
      this.cached = { token: opts.token.trim(), expiresOnTimestamp: jwtExpiry(opts.token.trim()) ?? Number.MAX_SAFE_INTEGER };
    } else {
      this.credential = this.makeCredential();
    }
  }

  /** A valid access token (cached until two minutes before it expires). */
  async get(): Promise<string> {
    const c = this.cached;
    if (c && (this.mode === 'token' || c.expiresOnTimestamp - Date.now() > 120_000)) return c.token;
    return (await this.acquire()).token;
  }

  /** After a 401: forget the token and the credential's cache; the next `get` asks the authority again. */
  async refresh(): Promise<void> {
    if (this.mode === 'token') {
      throw new SourceApiError(
        `the access token from ${this.tokenEnv} was rejected (expired or revoked) and cannot be refreshed; get a new one, or use a credential (--auth env|certificate|managed-identity|default) that can renew itself`,
        {
          status: 401,
          providerCode: 'InvalidAuthenticationToken',
          hint: `the ${this.tokenEnv} token was rejected and cannot be refreshed (get a new one, or use --auth env|certificate|managed-identity|default)`,
        },
      );
    }
    this.cached = undefined;
    this.credential = this.makeCredential();
    await this.acquire();
  }

  /** The tenant id (`tid`) of the current token, when it is a JWT. */
  async tenantId(): Promise<string | undefined> {
    const t = await this.get();
    const claims = jwtClaims(t);
    return typeof claims?.tid === 'string' ? claims.tid : undefined;
  }

  private acquire(): Promise<AccessToken> {
    if (!this.inflight) {
      const cred = this.credential!;
      this.inflight = cred
        .getToken(this.scope)
        .then((t) => {
          if (!t) throw new SourceApiError(`the ${this.mode} credential returned no token for ${this.scope}`, { status: 401 });
          this.cached = t;
          return t;
        })
        .catch((e: unknown) => {
          if (e instanceof SourceApiError) throw e;
          // Identity errors may quote the request; keep only the first line of the message.
          const msg = String((e as Error)?.message ?? e).split('\n')[0].slice(0, 300);
          throw new SourceApiError(`could not get a ${this.resourceName} token with the ${this.mode} credential: ${msg}`, {
            status: 401,
            providerCode: (e as Error)?.name,
            hint: `no token from the ${this.mode} credential: ${msg}`,
          });
        })
        .finally(() => {
          this.inflight = undefined;
        });
    }
    return this.inflight;
  }

  private makeCredential(): TokenCredential {
    const env = this.opts.env ?? process.env;
    const authorityHost = this.opts.authorityHost ?? env.AZURE_AUTHORITY_HOST;
    const common = {
      authorityHost,
      disableInstanceDiscovery: authorityHost ? !KNOWN_AUTHORITIES.has(new URL(authorityHost).hostname) : undefined,
    };
    const tenant = env.AZURE_TENANT_ID || this.opts.tenant;
    switch (this.mode) {
      case 'env': {
        const clientId = env.AZURE_CLIENT_ID;
        if (!clientId) throw new InputError(`${this.command}: --auth env needs AZURE_CLIENT_ID (and AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH)`);
        if (env.AZURE_CLIENT_SECRET) return new ClientSecretCredential(tenant, clientId, env.AZURE_CLIENT_SECRET, common);
        if (env.AZURE_CLIENT_CERTIFICATE_PATH) {
          return new ClientCertificateCredential(
            tenant,
            clientId,
            { certificatePath: env.AZURE_CLIENT_CERTIFICATE_PATH, certificatePassword: env.AZURE_CLIENT_CERTIFICATE_PASSWORD },
            common,
          );
        }
        throw new InputError(`${this.command}: --auth env needs AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH`);
      }
      case 'certificate': {
        const clientId = this.opts.clientId ?? env.AZURE_CLIENT_ID;
        const path = this.opts.certificatePath ?? env.AZURE_CLIENT_CERTIFICATE_PATH;
        if (!clientId || !path) throw new InputError(`${this.command}: --auth certificate needs --client-id and --certificate (a PEM file with the private key)`);
        return new ClientCertificateCredential(tenant, clientId, { certificatePath: path }, common);
      }
      case 'managed-identity': {
        const clientId = this.opts.clientId ?? env.AZURE_CLIENT_ID;
        return clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
      }
      case 'default':
        return new DefaultAzureCredential({ tenantId: env.AZURE_TENANT_ID ? undefined : this.opts.tenant, ...common });
      default:
        throw new InputError(`${this.command}: unknown --auth ${String(this.mode)}`);
    }
  }
}

/** The claims of a JWT (not verified: only read for `exp` and `tid`). */
export function jwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length < 2) return undefined;
  try {
    return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function jwtExpiry(token: string): number | undefined {
  const exp = jwtClaims(token)?.exp;
  return typeof exp === 'number' ? exp * 1000 : undefined;
}
