/**
 * The ground truth against the engine: a synthetic tenant of 1,500 people is itself a scenario.
 * `revenant residual --all --collection DIR --at AT --format json` must report exactly the
 * findings of DIR/expected.json, compared as sets keyed by (rule, subject, via) on status,
 * severity and validUntil (as instants), with the same closed and not-closed subjects and no
 * uncovered rule; the same comparison /work/shared/tools/check-scenarios makes.
 */
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { synthesize } from '../../ingest/synth/synthesize.js';
import { ensureBuilt, runCli, tempDir } from './helpers.js';

interface Finding {
  rule: string;
  subject: string | { id: string };
  via: string | { id: string };
  status: string;
  severity: string;
  validUntil: string | null;
}

const idOf = (v: string | { id: string }) => (typeof v === 'string' ? v : v?.id);
const keyOf = (f: Finding) => `${f.rule}|${idOf(f.subject)}|${idOf(f.via)}`;
const instant = (v: string | null | undefined) => (v === null || v === undefined ? null : Date.parse(v));

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
    const expected = JSON.parse(readFileSync(`${dir}/expected.json`, 'utf8'));
    const run = await runCli(['residual', '--all', '--collection', dir, '--at', expected.at, '--format', 'json', ...expected.args]);
    expect([0, 3], run.stderr).toContain(run.code);
    const out = JSON.parse(run.stdout);
    const got = new Map<string, Finding>();
    for (const f of out.findings as Finding[]) {
      expect(got.has(keyOf(f)), `duplicate ${keyOf(f)}`).toBe(false);
      got.set(keyOf(f), f);
    }
    const problems: string[] = [];
    const want = new Map<string, Finding>((expected.findings as Finding[]).map((f) => [keyOf(f), f]));
    for (const [k, w] of want) {
      const g = got.get(k);
      if (!g) {
        problems.push(`missing ${k}`);
        continue;
      }
      if (g.status !== w.status) problems.push(`status ${k}: got ${g.status}, want ${w.status}`);
      if (g.severity !== w.severity) problems.push(`severity ${k}: got ${g.severity}, want ${w.severity}`);
      if (instant(g.validUntil) !== instant(w.validUntil)) problems.push(`validUntil ${k}: got ${g.validUntil}, want ${w.validUntil}`);
    }
    for (const k of got.keys()) if (!want.has(k)) problems.push(`unexpected ${k} (${got.get(k)!.status})`);
    const subjects = new Map<string, { closed: boolean }>((out.subjects as { id: string; closed: boolean }[]).map((s) => [s.id, s]));
    for (const id of expected.closed as string[]) if (subjects.get(id)?.closed !== true) problems.push(`subject ${id} should be closed`);
    for (const id of expected.notClosed as string[]) if (subjects.get(id)?.closed !== false) problems.push(`subject ${id} should be listed and not closed`);
    for (const [source, c] of Object.entries(out.coverage ?? {}) as [string, { uncoveredRules?: string[] }][]) {
      if (c.uncoveredRules?.length) problems.push(`${source}: uncovered ${c.uncoveredRules.join(', ')}`);
    }
    expect(problems.slice(0, 40)).toEqual([]);
    expect(want.size).toBeGreaterThan(500);
  }, 600_000);
});
