/**
 * Test support for the HTTP API: real stores made with `revenant load` from the shared
 * scenarios, API keys, an app instance with a test configuration (driven by `inject` or a real
 * socket), writable copies of scenario folders to change, and a refresher that writes a
 * collection folder (the stand-in for the live collectors; everything else is real).
 */
import { chmodSync, cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { run } from '../../src/cli/main.js';
import { type ApiConfig, parseConfig } from '../../src/api/config.js';
import { openApiDb } from '../../src/api/ApiDb.js';
import { KeyStore, type Scope } from '../../src/api/keys/KeyStore.js';
import { buildServer, type ServerOptions } from '../../src/api/server.js';
import type { RefreshRequest, SubjectRefresher } from '../../src/api/events/SubjectRefresher.js';
import { Store } from '../../src/store/Store.js';

export { SCENARIOS } from '../support/scenarios.js';
import { SCENARIOS } from '../support/scenarios.js';
export const scenario = (name: string) => join(SCENARIOS, name);

const temps: string[] = [];
export function tempDir(prefix = 'revenant-api-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temps.push(d);
  return d;
}
export function cleanupTemps(): void {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Load collections into the store with the CLI (`revenant load`), quietly; returns the new snapshot id. */
export async function cliLoad(storeDir: string, ...dirs: string[]): Promise<string> {
  const out = process.stdout.write;
  const err = process.stderr.write;
  let captured = '';
  let errors = '';
  process.stdout.write = ((s: string) => {
    captured += s;
    return true;
  });
  process.stderr.write = ((s: string) => {
    errors += s;
    return true;
  });
  let code: number;
  try {
    code = await run(['node', 'revenant', 'load', ...dirs, '--store', storeDir]);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  if (code !== 0) throw new Error(`revenant load failed (${code}): ${errors}`);
  return captured.trim().split('\n').at(-1)!;
}

/** Run a CLI command in-process, capturing stdout and stderr. */
export async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = process.stdout.write;
  const err = process.stderr.write;
  let stdout = '';
  let stderr = '';
  process.stdout.write = ((s: string) => {
    stdout += s;
    return true;
  });
  process.stderr.write = ((s: string) => {
    stderr += s;
    return true;
  });
  try {
    const code = await run(['node', 'revenant', ...args]);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

export function createKey(storeDir: string, scopes: Scope[], opts: { expiresAt?: string; rateLimit?: number; name?: string } = {}): string {
  const db = openApiDb(new Store(storeDir).dir);
  try {
    return new KeyStore(db).create({ name: opts.name ?? scopes.join('+'), scopes, expiresAt: opts.expiresAt, rateLimit: opts.rateLimit }).key;
  } finally {
    db.close();
  }
}

export const HOOK_SECRET = 'okta-hook-secret-0123456789';
export const CLIENT_STATE = 'graph-client-state-0123456789';

export function testConfig(over: Record<string, unknown> = {}): ApiConfig {
  const base = {
    logLevel: 'silent',
    snapshotPollMs: 100,
    rateLimit: { perMinute: 100_000, unauthenticatedPerMinute: 100_000 },
    shutdownGraceMs: 5000,
    events: { pollMs: 20, okta: { hookSecret: HOOK_SECRET }, entra: { clientState: CLIENT_STATE } },
    push: { backoffMs: 10, maxBackoffMs: 40, downPauseMs: 150, timeoutMs: 2000 },
  };
  const merged: Record<string, unknown> = { ...base, ...over };
  for (const k of ['rateLimit', 'events', 'push'] as const) merged[k] = { ...base[k], ...((over[k]) ?? {}) };
  return parseConfig(merged, 'test config');
}

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  logs: string[];
}

/** An app on a store, ready (the snapshot is loaded). Logs are captured (JSON lines). */
export async function makeApp(storeDir: string, opts: Partial<ServerOptions> & { config?: ApiConfig; beforeReady?: (app: FastifyInstance) => void } = {}): Promise<TestApp> {
  const store = new Store(storeDir);
  const logs: string[] = [];
  const config = opts.config ?? testConfig();
  const { loggerOptions } = await import('../../src/api/server.js');
  const app = await buildServer({
    store,
    config,
    refresher: opts.refresher,
    catchUp: opts.catchUp,
    sinks: opts.sinks,
    source: opts.source,
    env: opts.env,
    logger: {
      ...(loggerOptions('info') as object),
      stream: {
        write: (s: string) => {
          logs.push(s);
        },
      },
    },
  });
  opts.beforeReady?.(app);
  await app.ready();
  return { app, store, logs };
}

/** A writable copy of a scenario (or one of its source folders). */
export function copyScenario(name: string, dest = tempDir('revenant-scn-')): string {
  const to = join(dest, name.replace(/\//g, '-'));
  cpSync(scenario(name), to, { recursive: true });
  makeWritable(to);
  return to;
}

export function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) makeWritable(p);
    else chmodSync(p, 0o644);
  }
}

/** Rewrite a jsonl file line by line (return null to drop a line). */
export function editJsonl(file: string, fn: (o: Record<string, unknown>) => Record<string, unknown> | null): void {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
  const out = lines.map((l) => fn(JSON.parse(l))).filter((o): o is Record<string, unknown> => o !== null);
  writeFileSync(file, out.map((o) => JSON.stringify(o)).join('\n') + (out.length ? '\n' : ''));
  const manifest = join(file, '..', 'manifest.json');
  const m = JSON.parse(readFileSync(manifest, 'utf8'));
  const ds = file.split('/').pop()!.replace(/\.jsonl$/, '');
  if (m.datasets[ds]) m.datasets[ds].count = out.length;
  writeFileSync(manifest, JSON.stringify(m, null, 2));
}

export function setCollectedAt(sourceDir: string, at: string): void {
  const file = join(sourceDir, 'manifest.json');
  const m = JSON.parse(readFileSync(file, 'utf8'));
  m.collectedAt = at;
  writeFileSync(file, JSON.stringify(m, null, 2));
}

/**
 * The stand-in for the live collectors: copies the base source folder and applies `edit` (what
 * the identity provider now says about the subject), as a per-subject refresh would.
 */
export class FolderRefresher implements SubjectRefresher {
  readonly calls: RefreshRequest[] = [];
  constructor(private readonly edit: (dir: string, req: RefreshRequest) => void | Promise<void>) {}

  async refreshSubject(req: RefreshRequest): Promise<string> {
    this.calls.push(req);
    const out = join(req.workDir, req.source);
    cpSync(req.base, out, { recursive: true });
    makeWritable(out);
    await this.edit(out, req);
    return out;
  }
}

export async function waitFor<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** A webhook sink on 127.0.0.1 that keeps every JSON body it is sent (tests of the push to sinks). */
export async function webhookSink(): Promise<{ url: string; hook: Record<string, any>[]; close: () => void }> {
  const hook: Record<string, any>[] = [];
  const rx = createServer((req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      hook.push(JSON.parse(b));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => rx.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(rx.address() as AddressInfo).port}/`,
    hook,
    close: () => {
      rx.closeAllConnections();
      rx.close();
    },
  };
}
