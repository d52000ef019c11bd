/**
 * Architecture guard: the import direction of docs/architecture.md holds. dependency-cruiser runs
 * the rules of .dependency-cruiser.cjs over src/, ingest/ and queries/ (the CLI, as `npm run lint`
 * runs it); every violation must be one listed in .dependency-cruiser-known-violations.json (imports
 * being moved by the source registry) and every listed one must still occur (a fixed import is
 * taken off the list, so it can never come back). The document names every rule.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/scenarios.js';

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

const require = createRequire(import.meta.url);
const config = require(join(ROOT, '.dependency-cruiser.cjs')) as { forbidden: { name: string; severity: string }[] };
const known = JSON.parse(readFileSync(join(ROOT, '.dependency-cruiser-known-violations.json'), 'utf8')) as Violation[];
const id = (v: Violation) => `${v.rule.name}: ${v.from} → ${v.to}`;
const REGENERATE = 'npx depcruise src ingest queries --config .dependency-cruiser.cjs --output-type baseline > .dependency-cruiser-known-violations.json';

describe('import direction (dependency-cruiser)', () => {
  it('no import breaks a rule except the known ones, and every known one still occurs', () => {
    const bin = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
    const r = spawnSync(process.execPath, [bin, 'src', 'ingest', 'queries', '--config', '.dependency-cruiser.cjs', '--no-ignore-known', '--output-type', 'json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    expect(r.stderr).not.toMatch(/ERROR|Error:/);
    const out = JSON.parse(r.stdout) as { modules: unknown[]; summary: { violations: Violation[]; totalCruised: number } };
    expect(out.summary.totalCruised).toBeGreaterThan(200);
    const found = new Set(out.summary.violations.map(id));
    const listed = new Set(known.map(id));
    expect([...found].filter((v) => !listed.has(v)), 'new imports against the direction of docs/architecture.md').toEqual([]);
    expect([...listed].filter((v) => !found.has(v)), `known violations that no longer occur: regenerate with ${REGENERATE}`).toEqual([]);
    // The rules bite: the known violations are real findings of these rules, not an empty run.
    for (const v of known) expect(config.forbidden.map((f) => f.name)).toContain(v.rule.name);
  }, 300_000);

  it('docs/architecture.md names every rule, and every rule is an error', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
    expect(config.forbidden.length).toBeGreaterThan(5);
    for (const rule of config.forbidden) {
      expect(doc, rule.name).toContain(`\`${rule.name}\``);
      expect(rule.severity, rule.name).toBe('error');
    }
  });
});
