/**
 * The server's configuration file (`revenant serve --config FILE`, JSON): listening address,
 * limits, the event hooks' shared secrets, the live collectors used for event-driven refreshes,
 * and the push sinks. Secrets are never written in the file itself in production: a secret value
 * is `"env:NAME"` (read from the environment) or `"file:/path"` (read from a file, e.g. a Docker
 * secret); a plain string is accepted for tests and local use. Validated with the same JSON
 * Schema engine as the HTTP routes; unknown fields are refused with their path.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { Ajv, type ValidateFunction } from 'ajv';
import { SOURCES } from '../../ingest/sources.js';
import { InputError } from '../model/errors.js';

/** A secret as written in the config: `env:NAME`, `file:PATH`, or the value itself. */
export type SecretRef = string;

export interface WebhookSinkConfig {
  type: 'webhook';
  name: string;
  url: string;
  secret: SecretRef;
  headers?: Record<string, string>;
  ocsfClass?: 2008 | 2004;
}

export interface SplunkSinkConfig {
  type: 'splunk';
  name: string;
  /** HEC base URL, e.g. https://splunk.example.com:8088 */
  url: string;
  token: SecretRef;
  index?: string;
  sourcetype?: string;
  source?: string;
  ocsfClass?: 2008 | 2004;
}

export interface SentinelSinkConfig {
  type: 'sentinel';
  name: string;
  /** Data collection endpoint (or the DCR's own logs ingestion endpoint), e.g. https://my-dce.westeurope-1.ingest.monitor.azure.com */
  endpoint: string;
  dcrImmutableId: string;
  stream: string;
  /** `token`: a ready bearer token; otherwise an @azure/identity credential (default chain, or a client secret from the AZURE_* variables). */
  auth?: { mode: 'token'; token: SecretRef } | { mode: 'default' | 'env' | 'managed-identity'; clientId?: string };
  ocsfClass?: 2008 | 2004;
}

export type SinkConfig = WebhookSinkConfig | SplunkSinkConfig | SentinelSinkConfig;

/** Remediation over HTTP (POST /v1/subjects/{s}/remediation): off unless enabled, with its own write credentials. */
export interface RemediationConfig {
  enabled: boolean;
  /** A plan on a snapshot collected longer ago than this is refused unless the request forces it. */
  maxAge: string;
  /** `remediation.<source>`: the connection section of each source that declares one (SourceCapabilities.connection). */
  [source: string]: unknown;
}

export interface ApiConfig {
  host: string;
  port: number;
  /** Largest accepted request body, bytes. */
  bodyLimit: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * Which peers may set X-Forwarded-For (the client address used for failed-authentication limits
   * and logs): `false` (none: the socket's address counts), a list of proxy addresses or CIDRs
   * (`["10.0.0.5", "10.1.0.0/16"]`, or `loopback`, `linklocal`, `uniquelocal`), or `true` (any
   * peer: only when nothing but the proxy can reach the server).
   */
  trustProxy: boolean | string[];
  /** Send Strict-Transport-Security (when TLS is terminated in front of the server). */
  hsts: boolean;
  /** How often the store folder is checked for a new snapshot (besides file-system events). */
  snapshotPollMs: number;
  rateLimit: {
    /** Default requests per minute per API key (a key may carry its own). */
    perMinute: number;
    /** Requests per minute per client address without a valid key (failed authentication). */
    unauthenticatedPerMinute: number;
  };
  /** `/metrics` needs a key with the `metrics` (or `admin`) scope unless `public` is set. */
  metrics: { public: boolean; requireKey?: boolean };
  /** Largest `limit` on /v1/findings. */
  maxPageSize: number;
  shutdownGraceMs: number;
  events: {
    /**
     * `events.<source>`: the section of each source that declares one (SourceCapabilities.
     * eventSettings, e.g. ingest/okta/eventSettings.ts: the webhook's shared secret, and
     * `collect`, how refreshes and polling read the tenant), as validated and normalised there.
     */
    [source: string]: unknown;
    /** Attempts of a refresh job before it is marked failed. */
    maxAttempts: number;
    /** Idle polling of the queue (a new event wakes the worker at once). */
    pollMs: number;
    /**
     * Snapshots made by event-driven refreshes that are kept: after each refresh, the older ones
     * beyond this count are removed (snapshots written by `revenant load` are never removed here).
     */
    retainSnapshots: number;
    /**
     * Poll the Okta System Log and the Entra directory audit log every `intervalMinutes` and refresh
     * the users they name (for deployments where hooks cannot reach the server); needs the
     * `collect` settings of the sources to poll. `overlapMinutes` (15): how far each poll reaches
     * back before the last one; `firstLookbackMinutes` (60): where the first poll starts.
     */
    watch?: { intervalMinutes: number; overlapMinutes?: number; firstLookbackMinutes?: number };
  };
  push: {
    /** OCSF events per delivery. */
    batchSize: number;
    /** Attempts in a row before a sink is considered down (its deliveries wait, nothing is dropped). */
    maxAttempts: number;
    backoffMs: number;
    maxBackoffMs: number;
    /** Pause of a sink that is down before the next round of attempts. */
    downPauseMs: number;
    timeoutMs: number;
    /** Deliveries a receiver refused as invalid (4xx other than 401/403/408/429) go here. Default `<store>/push-dead-letter.jsonl`. */
    deadLetterFile?: string;
    /** What a new sink receives first: every current finding (`all`) or only later changes (`none`). */
    initial: 'all' | 'none';
  };
  sinks: SinkConfig[];
  remediation: RemediationConfig;
  /** The analyst console served at `/` (src/console) and its sign-in. */
  console: {
    enabled: boolean;
    /** A session ends this long after sign-in. */
    sessionTtlMinutes: number;
    /** The sign-in link printed at start works once, within this time. */
    linkTtlMinutes: number;
  };
}

const DEFAULT_CONFIG: ApiConfig = {
  host: '127.0.0.1',
  port: 8080,
  bodyLimit: 256 * 1024,
  logLevel: 'info',
  trustProxy: false,
  hsts: false,
  snapshotPollMs: 2000,
  rateLimit: { perMinute: 600, unauthenticatedPerMinute: 30 },
  metrics: { public: false },
  maxPageSize: 1000,
  shutdownGraceMs: 25_000,
  events: { maxAttempts: 5, pollMs: 1000, retainSnapshots: 20 },
  push: { batchSize: 100, maxAttempts: 5, backoffMs: 500, maxBackoffMs: 30_000, downPauseMs: 60_000, timeoutMs: 10_000, initial: 'all' },
  sinks: [],
  remediation: { enabled: false, maxAge: '24h' },
  console: { enabled: true, sessionTtlMinutes: 8 * 60, linkTtlMinutes: 24 * 60 },
};

const secret = { type: 'string', minLength: 1, maxLength: 8192 };
const httpsUrl = { type: 'string', pattern: '^https?://', maxLength: 2048 };
/** `remediation.<source>`: one section per source that declares a connection (its `configSchema`). */
const remediationSections = (): Record<string, unknown> =>
  Object.fromEntries(SOURCES.all().flatMap((src) => (src.capabilities?.connection ? [[src.kind, src.capabilities.connection.configSchema]] : [])));
/** The settings of `events` itself, which no source may name its section after. */
const EVENTS_OWN = ['maxAttempts', 'pollMs', 'retainSnapshots', 'watch'];
/** `events.<source>`: one section per source that declares its event settings. */
function eventSections(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const src of SOURCES.all()) {
    const settings = src.capabilities?.eventSettings;
    if (!settings) continue;
    if (EVENTS_OWN.includes(src.kind)) throw new Error(`config: source ${src.kind} cannot have an events section (events.${src.kind} is a setting of events itself)`);
    out[src.kind] = { type: 'object', additionalProperties: false, properties: settings.properties };
  }
  return out;
}
const ocsfClass = { enum: [2008, 2004] };
const sinkName = { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' };

/** The config file's schema, with the sections of the sources registered now. */
const configSchema = () => ({
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    host: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    bodyLimit: { type: 'integer', minimum: 1024, maximum: 64 * 1024 * 1024 },
    logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    trustProxy: {
      oneOf: [
        { type: 'boolean' },
        { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 64 } },
      ],
    },
    hsts: { type: 'boolean' },
    snapshotPollMs: { type: 'integer', minimum: 50 },
    maxPageSize: { type: 'integer', minimum: 1, maximum: 10000 },
    shutdownGraceMs: { type: 'integer', minimum: 0 },
    rateLimit: {
      type: 'object',
      additionalProperties: false,
      properties: { perMinute: { type: 'integer', minimum: 1 }, unauthenticatedPerMinute: { type: 'integer', minimum: 1 } },
    },
    metrics: {
      type: 'object',
      additionalProperties: false,
      properties: {
        public: { type: 'boolean' },
        requireKey: { type: 'boolean', description: 'Deprecated: `requireKey: false` is `public: true`.' },
      },
    },
    events: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxAttempts: { type: 'integer', minimum: 1, maximum: 100 },
        pollMs: { type: 'integer', minimum: 10, maximum: 3_600_000 },
        retainSnapshots: { type: 'integer', minimum: 1, maximum: 10_000 },
        watch: {
          type: 'object',
          additionalProperties: false,
          required: ['intervalMinutes'],
          properties: {
            intervalMinutes: { type: 'number', exclusiveMinimum: 0, maximum: 1440 },
            overlapMinutes: { type: 'number', minimum: 0, maximum: 1440 },
            firstLookbackMinutes: { type: 'number', minimum: 0, maximum: 43200 },
          },
        },
        ...eventSections(),
      },
    },
    push: {
      type: 'object',
      additionalProperties: false,
      properties: {
        batchSize: { type: 'integer', minimum: 1, maximum: 5000 },
        maxAttempts: { type: 'integer', minimum: 1, maximum: 100 },
        backoffMs: { type: 'integer', minimum: 1 },
        maxBackoffMs: { type: 'integer', minimum: 1 },
        downPauseMs: { type: 'integer', minimum: 1 },
        timeoutMs: { type: 'integer', minimum: 100 },
        deadLetterFile: { type: 'string', minLength: 1 },
        initial: { enum: ['all', 'none'] },
      },
    },
    console: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        sessionTtlMinutes: { type: 'number', exclusiveMinimum: 0, maximum: 7 * 24 * 60 },
        linkTtlMinutes: { type: 'number', exclusiveMinimum: 0, maximum: 7 * 24 * 60 },
      },
    },
    remediation: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        maxAge: { type: 'string', minLength: 1, maxLength: 32 },
        ...remediationSections(),
      },
    },
    sinks: {
      type: 'array',
      maxItems: 32,
      items: {
        oneOf: [
          {
            type: 'object',
            additionalProperties: false,
            required: ['type', 'name', 'url', 'secret'],
            properties: {
              type: { const: 'webhook' },
              name: sinkName,
              url: httpsUrl,
              secret,
              headers: { type: 'object', additionalProperties: { type: 'string' } },
              ocsfClass,
            },
          },
          {
            type: 'object',
            additionalProperties: false,
            required: ['type', 'name', 'url', 'token'],
            properties: {
              type: { const: 'splunk' },
              name: sinkName,
              url: httpsUrl,
              token: secret,
              index: { type: 'string' },
              sourcetype: { type: 'string' },
              source: { type: 'string' },
              ocsfClass,
            },
          },
          {
            type: 'object',
            additionalProperties: false,
            required: ['type', 'name', 'endpoint', 'dcrImmutableId', 'stream'],
            properties: {
              type: { const: 'sentinel' },
              name: sinkName,
              endpoint: httpsUrl,
              dcrImmutableId: { type: 'string', pattern: '^dcr-[0-9a-f]{32}$' },
              stream: { type: 'string', pattern: '^Custom-[A-Za-z0-9_]{1,100}$' },
              auth: {
                oneOf: [
                  { type: 'object', additionalProperties: false, required: ['mode', 'token'], properties: { mode: { const: 'token' }, token: secret } },
                  {
                    type: 'object',
                    additionalProperties: false,
                    required: ['mode'],
                    properties: { mode: { enum: ['default', 'env', 'managed-identity'] }, clientId: { type: 'string' } },
                  },
                ],
              },
              ocsfClass,
            },
          },
        ],
      },
    },
  },
});
/** The schema compiled for one registry version (a source registered later adds its sections). */
let compiled: { version: number; validate: ValidateFunction } | undefined;

/** Resolve a secret reference (`env:NAME`, `file:PATH` or a literal). Messages name the reference, never the value. */
export function resolveSecret(ref: SecretRef, where: string, env: NodeJS.ProcessEnv = process.env): string {
  if (ref.startsWith('env:')) {
    const name = ref.slice(4);
    const v = env[name];
    if (!v) throw new InputError(`${where}: environment variable ${name} is not set`, { field: where });
    return v;
  }
  if (ref.startsWith('file:')) {
    const path = ref.slice(5);
    try {
      return readFileSync(path, 'utf8').trim();
    } catch (e) {
      throw new InputError(`${where}: cannot read secret file ${path} (${(e as NodeJS.ErrnoException).code})`, { field: where });
    }
  }
  return ref;
}

function merge(base: ApiConfig, over: Partial<ApiConfig>): ApiConfig {
  return {
    ...base,
    ...over,
    rateLimit: { ...base.rateLimit, ...over.rateLimit },
    metrics: { ...base.metrics, ...over.metrics },
    events: { ...base.events, ...over.events },
    push: { ...base.push, ...over.push },
    console: { ...base.console, ...over.console },
    remediation: { ...base.remediation, ...over.remediation },
    sinks: over.sinks ?? base.sinks,
  };
}

/** https, or http to this machine only (secrets and findings never cross a network in clear). */
function isSafeUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'https:') return true;
  return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
}

/** An IP address, an `address/prefix` CIDR range, or one of proxy-addr's named ranges. */
export function isTrustedProxySpec(s: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(s)) return true;
  const [addr, bits, ...rest] = s.split('/');
  const v = isIP(addr);
  if (!v || rest.length) return false;
  if (bits === undefined) return true;
  if (!/^(?:0|[1-9][0-9]{0,2})$/.test(bits)) return false;
  return Number(bits) <= (v === 4 ? 32 : 128);
}

/** Validate a parsed config object (`file` names it in messages) and fill in the defaults. */
export function parseConfig(raw: unknown, file = 'config'): ApiConfig {
  if (compiled?.version !== SOURCES.version) {
    compiled = { version: SOURCES.version, validate: new Ajv({ allErrors: false, strict: false, strictNumbers: true }).compile(configSchema()) };
  }
  const validate = compiled.validate;
  if (!validate(raw)) {
    const e = validate.errors?.[0];
    const path = e?.instancePath ? e.instancePath.replace(/^\//, '').replace(/\//g, '.') : '(top level)';
    const extra = e?.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : '';
    throw new InputError(`${file}: ${path} ${e?.message ?? 'is invalid'}${extra}`, { file, field: path });
  }
  const cfg = merge(DEFAULT_CONFIG, raw as Partial<ApiConfig>);
  const m = (raw as { metrics?: { public?: boolean; requireKey?: boolean } }).metrics;
  cfg.metrics = { public: m?.public ?? (m?.requireKey === undefined ? false : !m.requireKey) };
  if (Array.isArray(cfg.trustProxy)) {
    for (const [i, t] of cfg.trustProxy.entries()) {
      if (!isTrustedProxySpec(t)) {
        throw new InputError(`${file}: trustProxy.${i} ${JSON.stringify(t)} is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal`, { file, field: `trustProxy.${i}` });
      }
    }
  }
  for (const src of SOURCES.all()) {
    const section = cfg.events[src.kind];
    if (section && typeof section === 'object') src.capabilities?.eventSettings?.normalise?.(section as Record<string, unknown>);
  }
  const names = new Set<string>();
  for (const s of cfg.sinks) {
    const url = s.type === 'sentinel' ? s.endpoint : s.url;
    if (!isSafeUrl(url)) {
      throw new InputError(`${file}: sinks: ${s.name}: ${s.type === 'sentinel' ? 'endpoint' : 'url'} must be https (plain http only to a loopback address)`, { file, field: 'sinks' });
    }
    if (names.has(s.name)) throw new InputError(`${file}: sinks: two sinks are named ${JSON.stringify(s.name)}`, { file, field: 'sinks' });
    names.add(s.name);
  }
  return cfg;
}

export function loadConfig(file?: string): ApiConfig {
  if (!file) return parseConfig({});
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code})`, { file });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message})`, { file });
  }
  return parseConfig(raw, file);
}
