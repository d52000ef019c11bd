/**
 * Writes `expected.json`, the ground truth of a synthetic tenant, in the format of the
 * hand-checked scenarios (../../shared/scenarios/README.md): `at`, every finding with its rule,
 * subject id, via id, status, severity and validUntil, `optional` (none: the generator never
 * plants what the catalogue leaves open), the departed subjects that are `closed` and
 * `notClosed`, `uncoveredRules` (none: every dataset is complete) and `args` (none). One finding
 * per line keeps a 200,000-finding file readable and diffable.
 */
import { writeFile } from 'node:fs/promises';
import type { Judgement } from './judge.js';

export async function writeExpected(path: string, at: string, truth: Judgement, about: { users: number; seed: number }): Promise<void> {
  const head = {
    scenario: 'synthetic',
    description: `Synthetic tenant: ${about.users} people, seed ${about.seed}. Every finding below was planted by revenant synth; nothing else in the tenant is departed.`,
    at,
  };
  const parts: string[] = [];
  parts.push(JSON.stringify(head, null, 2).slice(0, -2));
  parts.push(',\n  "findings": [');
  parts.push(truth.findings.map((f) => `\n    ${JSON.stringify(f)}`).join(','));
  parts.push(truth.findings.length ? '\n  ],\n' : '],\n');
  parts.push(`  "optional": [],\n`);
  parts.push(`  "closed": ${JSON.stringify(truth.closed)},\n`);
  parts.push(`  "notClosed": ${JSON.stringify(truth.notClosed)},\n`);
  parts.push(`  "uncoveredRules": {},\n  "args": []\n}\n`);
  await writeFile(path, parts.join(''));
}
