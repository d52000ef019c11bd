/**
 * Test helpers for the collector tests: build the CLI once (the collectors run as child processes,
 * the way users run them, so that `NODE_EXTRA_CA_CERTS` can make them trust the fakes' test CA),
 * run `revenant` with an environment, read a collection back, and compare `residual` output with
 * a scenario's expected.json the way ../shared/tools/check-scenarios does.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FindingsDoc } from '../../queries/residual.js';
import { testCa } from '../fakes/testCa.js';
import { compareWithExpected } from '../support/compareFindings.js';
import type { Expected } from '../support/scenarios.js';

type Raw = Record<string, unknown>;

export const ROOT = resolve(import.meta.dirname, '..', '..');
/** The scenarios: ../shared/scenarios beside the repository, or the vendored copy in a clean clone. */
export { SCENARIOS } from '../support/scenarios.js';
const BIN = join(ROOT, 'bin', 'revenant.js');

export { ensureBuilt } from '../support/ensureBuilt.js';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  /** Called with the child once it runs (e.g. to send SIGINT). */
  onSpawn?: (child: ReturnType<typeof spawn>) => void;
  cwd?: string;
}

/** Run `node bin/revenant.js …args` trusting the test CA; never throws on a non-zero exit. */
export function runCli(args: string[], opts: RunOptions = {}): Promise<CliResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(AZURE_|OKTA_|REVENANT_GRAPH_TOKEN)/.test(k)) env[k] = v;
  }
  env.NODE_EXTRA_CA_CERTS = testCa().caPath;
  for (const [k, v] of Object.entries(opts.env ?? {})) if (v !== undefined) env[k] = v;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
    opts.onSpawn?.(child);
  });
}

/** Run an ES module script with node (trusting the test CA), asynchronously so the fakes in this process can answer. */
export function runNode(script: string, timeoutMs = 60_000, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: testCa().caPath, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

export function tempDir(prefix = 'revenant-collect-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface ReadSource {
  manifest: Raw & { datasets: Record<string, Raw & { status: string; count?: number; reason?: string }> };
  lines: Record<string, Raw[]>;
}

export function readSource(dir: string): ReadSource {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ReadSource['manifest'];
  const lines: Record<string, Raw[]> = {};
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.jsonl')) continue;
    lines[f.slice(0, -6)] = readFileSync(join(dir, f), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Raw);
  }
  return { manifest, lines };
}

/** Every key anywhere in a JSON value (to check that no secret field was written). */
export function allKeys(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) for (const x of v) allKeys(x, out);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.add(k);
      allKeys(x, out);
    }
  }
  return out;
}

/** The problems check-scenarios would report for `residual --format json` output (the shared comparison). */
export function compareFindings(expected: Raw, out: Raw): string[] {
  return compareWithExpected(out as unknown as FindingsDoc, expected as unknown as Expected);
}
