/**
 * The hand-checked scenarios: read from ../shared/scenarios when that folder exists beside the
 * repository (the project's shared contract), else from the copy vendored in
 * test/fixtures/scenarios (so a clean clone tests the same files). A test checks the copy has
 * not drifted from the shared originals.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const VENDORED = join(ROOT, 'test', 'fixtures', 'scenarios');
export const SHARED = resolve(ROOT, '..', 'shared', 'scenarios');
export const SCENARIOS = existsSync(SHARED) ? SHARED : VENDORED;

export interface Expected {
  at: string;
  findings: { rule: string; subject: string; via: string; status: string; severity: string; validUntil?: string | null }[];
  optional?: { rule: string; subject: string; via: string }[];
  closed?: string[];
  notClosed?: string[];
  uncoveredRules?: Record<string, string[]>;
  args?: string[];
}

export function scenarioNames(root = SCENARIOS): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'expected.json')))
    .map((d) => d.name)
    .sort();
}

export function expectedOf(name: string, root = SCENARIOS): Expected {
  return JSON.parse(readFileSync(join(root, name, 'expected.json'), 'utf8')) as Expected;
}

export const instantOf = (v: string | null | undefined) => (v === null || v === undefined ? null : Date.parse(v));
