/**
 * `revenant demo`, the README's main-job command: it synthesizes, loads into the store, prints
 * the summary with the worst paths and next steps, and writes the report — with nothing
 * configured beyond a store folder.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

describe('revenant demo', () => {
  it('synthesizes, loads, summarises and writes a report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'revenant-demo-test-'));
    const r = cli(['demo', '--store', join(dir, 'store'), '--out', join(dir, 'collection'), '--users', '500']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/departed accounts: \d+ closed \(nothing left\), \d+ with residual access — \d+ findings, \d+ of them live/);
    expect(r.stdout).toMatch(/The ten worst paths:\n 1\. \[critical live\]/);
    expect(r.stdout).toContain('Next:');
    // It ends by telling how to open the analyst console on the demo snapshot.
    expect(r.stdout).toContain(`revenant serve --store ${join(dir, 'store')}    then open the sign-in link it prints`);
    expect(existsSync(join(dir, 'report', 'report.html'))).toBe(true);
    expect(existsSync(join(dir, 'collection', 'expected.json'))).toBe(true);
    const snaps = JSON.parse(cli(['snapshots', '--store', join(dir, 'store'), '--format', 'json']).stdout).snapshots;
    expect(snaps).toHaveLength(1);
    // The next command the demo suggests works on the same store.
    const all = cli(['residual', '--all', '--store', join(dir, 'store'), '--format', 'json']);
    expect(all.status).toBe(0);
    expect(JSON.parse(all.stdout).findings.length).toBeGreaterThan(50);
  });
});
