/**
 * Every hand-checked scenario, through the engine in process and through the CLI as a user runs
 * it (`revenant residual --all --collection DIR --at AT --format json`): exact sets of findings,
 * closure and uncovered rules. Also checks the vendored copy has not drifted from the shared one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyse } from '../support/tenant.js';
import { compareWithExpected } from '../support/compareFindings.js';
import { ROOT, SCENARIOS, SHARED, VENDORED, expectedOf, scenarioNames } from '../support/scenarios.js';

const names = scenarioNames();

function assumeArgs(args: string[] = []): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) if (args[i] === '--assume-departed') out.push(args[++i]);
  return out;
}

describe('scenarios', () => {
  it('finds all seven scenarios', () => {
    expect(names).toEqual([
      'coverage-gaps',
      'cross-source-hr',
      'entra-delegations',
      'entra-hybrid-and-alt-accounts',
      'entra-owned-apps',
      'okta-lifecycle',
      'okta-service-apps-and-idps',
    ]);
  });

  for (const name of names) {
    it(`${name}: the engine gives exactly the expected findings`, async () => {
      const exp = expectedOf(name);
      const doc = await analyse(join(SCENARIOS, name), { all: true, at: Date.parse(exp.at), assumeDeparted: assumeArgs(exp.args) });
      expect(compareWithExpected(doc, exp)).toEqual([]);
      expect(exp.findings.length).toBeGreaterThan(0);
    });
  }

  it('the CLI gives exactly the expected findings for every scenario', () => {
    for (const name of names) {
      const exp = expectedOf(name);
      const run = spawnSync(
        process.execPath,
        [join(ROOT, 'bin', 'revenant.js'), 'residual', '--all', '--collection', join(SCENARIOS, name), '--at', exp.at, '--format', 'json', ...(exp.args ?? [])],
        { encoding: 'utf8' },
      );
      expect(run.status, run.stderr).toBe(0);
      expect(compareWithExpected(JSON.parse(run.stdout), exp), name).toEqual([]);
    }
  });

  it('the vendored scenarios are identical to ../shared/scenarios when it is present', () => {
    const walk = (d: string): string[] =>
      readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
    const files = walk(VENDORED).map((f) => relative(VENDORED, f)).sort();
    expect(files.length).toBeGreaterThan(100);
    if (!existsSync(SHARED)) return;
    expect(walk(SHARED).map((f) => relative(SHARED, f)).sort()).toEqual(files);
    for (const f of files) expect(readFileSync(join(VENDORED, f), 'utf8'), f).toBe(readFileSync(join(SHARED, f), 'utf8'));
  });
});
