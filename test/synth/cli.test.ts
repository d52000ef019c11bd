/**
 * `revenant synth` on the command line: stdout holds only the output folder, stderr one summary
 * line with the planted findings per rule; bad arguments exit 2 with a message naming the
 * option; the command is listed in `revenant --help`.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureBuilt, runCli, tempDir } from './helpers.js';

let dir: string;

beforeAll(() => {
  ensureBuilt();
  dir = tempDir();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('revenant synth', () => {
  test('writes the collection, prints the folder on stdout and one summary line on stderr', async () => {
    const out = join(dir, 'tenant');
    const r = await runCli(['synth', '--users', '400', '--seed', '5', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${out}\n`);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^synth: 400 users .* lines, .* planted findings in [\d.]+ s: entra\.owned-app-secret=\d+ /);
    expect(lines[0]).toContain('hr.leaver-account-enabled=');
    for (const f of ['entra/manifest.json', 'okta/manifest.json', 'hr/manifest.json', 'expected.json']) expect(existsSync(join(out, f)), f).toBe(true);
  });

  test('--github-members and --subscriptions add github/ and azure/ and name them in the summary', async () => {
    const out = join(dir, 'resources');
    const r = await runCli(['synth', '--users', '300', '--seed', '5', '--out', out, '--github-members', '50', '--subscriptions', '8', '--github-saml', 'unknown']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/github 50, azure 8 subscriptions\)/);
    expect(r.stderr).toMatch(/github\.departed-member=\d+ .*azure\.dormant-role=\d+/);
    for (const f of ['github/manifest.json', 'azure/manifest.json']) expect(existsSync(join(out, f)), f).toBe(true);
  });

  test('bad arguments exit 2 and name the problem', async () => {
    const bad = [
      [['synth', '--users', 'many', '--seed', '1', '--out', join(dir, 'x')], /--users/],
      [['synth', '--users', '10', '--seed', '1', '--out', join(dir, 'x')], /users must be an integer from 50/],
      [['synth', '--users', '100', '--seed', '1', '--out', join(dir, 'x'), '--at', 'soon'], /at must be an ISO-8601/],
      [['synth', '--users', '100', '--out', join(dir, 'x')], /seed/],
      [['synth', '--users', '100', '--seed', '1', '--out', join(dir, 'x'), '--github-members', 'lots'], /--github-members must be a whole number/],
      [['synth', '--users', '100', '--seed', '1', '--out', join(dir, 'x'), '--subscriptions', '2'], /subscriptions must be an integer from 6/],
      [['synth', '--users', '100', '--seed', '1', '--out', join(dir, 'x'), '--github-saml', 'maybe'], /githubSaml must be one of/],
    ] as const;
    for (const [args, message] of bad) {
      const r = await runCli([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });

  test('is listed in --help', async () => {
    const r = await runCli(['--help']);
    expect(r.stdout).toContain('synth');
  });
});
