/**
 * The ground truth against the engine: a synthetic tenant of 1,500 people is itself a scenario.
 * `revenant residual --all --collection DIR --at AT --format json` must report exactly the
 * findings of DIR/expected.json, compared as sets keyed by (rule, subject, via) on status,
 * severity and validUntil (as instants), with the same closed and not-closed subjects and no
 * uncovered rule; the same comparison /work/shared/tools/check-scenarios makes.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { synthesize } from '../../ingest/synth/synthesize.js';
import { ensureBuilt, groundTruthDifferences, tempDir } from './helpers.js';

let dir: string;

beforeAll(async () => {
  ensureBuilt();
  dir = tempDir();
  await synthesize({ users: 1500, seed: 2026, out: dir });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('ground truth', () => {
  test('revenant residual --all reports exactly the planted findings', async () => {
    const { problems, expected, code, stderr } = await groundTruthDifferences(dir);
    expect([0, 3], stderr).toContain(code);
    expect(problems.slice(0, 40)).toEqual([]);
    expect(expected).toBeGreaterThan(500);
  }, 600_000);
});
