/**
 * The CLI's code cache (bin/cliScript.js): a one-subject command runs from the bundle's script with
 * V8's cached data, writes the cache when it has none (or one for another script, or one V8
 * rejects) and prints the same as the ES bundle every time; a cache it cannot write never fails a
 * command. Each case runs a copy of the built package (bin/, dist/bundle/cli/, package.json, a
 * link to node_modules) so that the cache file is the test's own.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';
import { ROOT, SCENARIOS, expectedOf } from '../support/scenarios.js';

const tmp: string[] = [];
const SUBJECT = `entra:${expectedOf('entra-owned-apps').findings[0].subject}`;
const AT = expectedOf('entra-owned-apps').at;
let store = '';

afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

beforeAll(() => {
  store = mkdtempSync(join(tmpdir(), 'revenant-codecache-store-'));
  tmp.push(store);
  const r = spawnSync(process.execPath, [BIN, 'load', join(SCENARIOS, 'entra-owned-apps'), '--store', store], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
});

/** A copy of the built package; its cache file and the CLI in it. */
function copyPackage(): { cache: string; dir: string; run: (env?: Record<string, string>) => { status: number | null; stdout: string; stderr: string } } {
  const pkg = mkdtempSync(join(tmpdir(), 'revenant-codecache-'));
  tmp.push(pkg);
  cpSync(join(ROOT, 'bin'), join(pkg, 'bin'), { recursive: true });
  mkdirSync(join(pkg, 'dist', 'bundle'), { recursive: true });
  cpSync(join(ROOT, 'dist', 'bundle', 'cli'), join(pkg, 'dist', 'bundle', 'cli'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
  const dir = join(pkg, 'dist', 'bundle', 'cli');
  const run = (env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [join(pkg, 'bin', 'revenant.js'), 'residual', SUBJECT, '--at', AT, '--store', store, '--format', 'json'], {
      encoding: 'utf8',
      env: { ...process.env, NEO4J_URI: '', ...env },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  return { cache: join(dir, 'main.script.cache'), dir, run };
}

/** The cache file's header (bin/cliScript.js: a 4-byte length, then JSON). */
function header(file: string): { sha256: string; node: string; arch: string; covers: string[] } {
  const buf = readFileSync(file);
  return JSON.parse(buf.subarray(4, 4 + buf.readUInt32LE(0)).toString('utf8')) as ReturnType<typeof header>;
}

describe('the CLI code cache', () => {
  it('is built with the bundle, covers a command once it ran, and the output is the ES bundle’s', () => {
    const p = copyPackage();
    const meta = JSON.parse(readFileSync(join(p.dir, 'main.script.json'), 'utf8')) as { sha256: string; commands: string[] };
    expect(meta.commands).toContain('residual');
    // npm run build wrote one (a read-only dist/ still starts with it): for this script and this Node.
    expect(header(join(ROOT, 'dist', 'bundle', 'cli', 'main.script.cache'))).toMatchObject({ sha256: meta.sha256, node: process.version, arch: process.arch });
    // As the build writes it (this copy's: other tests' commands have added to the package's).
    const build = spawnSync(process.execPath, [join(p.dir, '..', '..', '..', 'bin', 'revenant.js'), 'residual', '--help'], { encoding: 'utf8', env: { ...process.env, REVENANT_CODE_CACHE: 'write' } });
    expect(build.status, build.stderr).toBe(0);
    expect(header(p.cache)).toMatchObject({ sha256: meta.sha256, node: process.version, arch: process.arch, covers: ['build'] });
    const reference = p.run({ REVENANT_CODE_CACHE: 'off' });
    expect(reference.status, reference.stderr).toBe(0);
    expect(JSON.parse(reference.stdout).findings.length).toBeGreaterThan(0);
    const first = p.run();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toBe(reference.stdout);
    expect(first.stderr).toBe('');
    expect(header(p.cache).covers).toEqual(['build', 'residual:embedded']);
    const written = readFileSync(p.cache);
    const second = p.run();
    expect(second.stdout).toBe(reference.stdout);
    // Covered: not written again.
    expect(readFileSync(p.cache).equals(written)).toBe(true);
  });

  it('replaces a cache V8 rejects or one for another script, and runs without one it cannot write', () => {
    const p = copyPackage();
    const reference = p.run({ REVENANT_CODE_CACHE: 'off' }).stdout;
    const good = readFileSync(p.cache);
    const n = good.readUInt32LE(0);
    // Same header, damaged data: V8 rejects it; the command runs and writes a good one.
    writeFileSync(p.cache, Buffer.concat([good.subarray(0, 4 + n), Buffer.alloc(good.length - 4 - n, 7)]));
    const damaged = p.run();
    expect(damaged.status, damaged.stderr).toBe(0);
    expect(damaged.stdout).toBe(reference);
    expect(header(p.cache).covers).toEqual(['residual:embedded']);
    const rewritten = readFileSync(p.cache);
    expect(rewritten.subarray(4 + rewritten.readUInt32LE(0)).every((b) => b === 7)).toBe(false);
    // A cache for another script (or another Node) is not used.
    const other = Buffer.from(JSON.stringify({ ...header(p.cache), sha256: '0'.repeat(64) }));
    const len = Buffer.alloc(4);
    len.writeUInt32LE(other.length);
    writeFileSync(p.cache, Buffer.concat([len, other, good.subarray(4 + n)]));
    const stale = p.run();
    expect(stale.stdout).toBe(reference);
    expect(header(p.cache).sha256).not.toBe('0'.repeat(64));
    // Not writable (here: the cache's name is a directory): the command runs, and leaves nothing behind.
    rmSync(p.cache);
    mkdirSync(p.cache);
    const unwritable = p.run();
    expect(unwritable.status, unwritable.stderr).toBe(0);
    expect(unwritable.stdout).toBe(reference);
    expect(unwritable.stderr).toBe('');
    expect(readdirSync(p.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // A garbage cache file: ignored, then replaced.
    rmSync(p.cache, { recursive: true });
    writeFileSync(p.cache, 'not a cache');
    expect(p.run().stdout).toBe(reference);
    expect(header(p.cache).covers).toEqual(['residual:embedded']);
    // Without the script the ES bundle runs.
    rmSync(join(p.dir, 'main.script.json'));
    expect(p.run().stdout).toBe(reference);
    expect(existsSync(join(p.dir, 'main.js'))).toBe(true);
  });
});
