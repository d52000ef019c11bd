/**
 * The CLI as users and pipelines call it: help without a build step beyond npm ci, output
 * formats, --fail-on exit codes, one subject by UPN, what-if, and clear usage errors.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { SCENARIOS } from '../support/scenarios.js';

const okta = join(SCENARIOS, 'okta-lifecycle');

describe('revenant CLI', () => {
  it('prints help listing every command', () => {
    const r = cli(['--help']);
    expect(r.status).toBe(0);
    for (const c of ['collect', 'load', 'snapshots', 'residual', 'blast-radius', 'paths', 'diff', 'synth', 'demo']) expect(r.stdout).toContain(c);
  });

  it('--fail-on exits 3 when matched, 0 otherwise; output is still written', () => {
    const live = cli(['residual', '--all', '--collection', okta, '--format', 'json', '--fail-on', 'live']);
    expect(live.status).toBe(3);
    expect(JSON.parse(live.stdout).findings.length).toBe(10);
    expect(cli(['residual', '--all', '--collection', okta, '--format', 'json', '--fail-on', 'critical']).status).toBe(0);
    expect(cli(['residual', '--all', '--collection', okta, '--format', 'json', '--fail-on', 'high']).status).toBe(3);
    const bad = cli(['residual', '--all', '--collection', okta, '--fail-on', 'bad']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--fail-on: "bad" is not a status/);
  });

  it('csv has stable columns; table is readable', () => {
    const csv = cli(['residual', '--all', '--collection', okta, '--format', 'csv']);
    const rows = parse(csv.stdout, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual(['id', 'rule', 'status', 'severity', 'subject_source', 'subject_id', 'subject_name', 'via_kind', 'via_id', 'via_name', 'valid_until', 'tier0', 'privileges', 'evidence', 'remediation']);
    expect(rows).toHaveLength(10);
    const table = cli(['residual', '--all', '--collection', okta, '--format', 'table']);
    expect(table.stdout).toMatch(/4 departed subjects, 1 closed; 10 findings/);
  });

  it('names a subject by login, mail or id; reports an unknown one with exit 2', () => {
    const one = JSON.parse(cli(['residual', 'GINA.LOPEZ@example.com', '--collection', okta, '--format', 'json']).stdout);
    expect(one.subjects.map((s: { id: string }) => s.id)).toEqual(['00ubGOAizuyeSy1b3nuL']);
    expect(one.findings).toHaveLength(6);
    const unknown = cli(['residual', 'nobody@example.com', '--collection', okta]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/subject not found: "nobody@example.com"/);
    expect(cli(['residual', '--collection', okta]).status).toBe(2);
  });

  it('what-if: an active account assumed departed', () => {
    const r = JSON.parse(cli(['residual', '--assume-departed', 'judy.kim@example.com', '--collection', okta, '--format', 'json']).stdout);
    const judy = r.subjects.find((s: { id: string }) => s.id === '00uxlWeIowKbNXV15i4k');
    expect(judy).toMatchObject({ assumed: true, departed: true, departedAt: '2026-11-01T00:00:00.000Z' });
    // Deactivation removes her direct assignments and tokens; group memberships stay.
    expect(r.findings.map((f: { rule: string }) => f.rule).sort()).toEqual(['okta.dormant-membership', 'okta.refresh-token-active']);
  });

  it('load, residual from the store, snapshots', () => {
    const store = mkdtempSync(join(tmpdir(), 'revenant-cli-'));
    const load = cli(['load', okta, '--store', store]);
    expect(load.status, load.stderr).toBe(0);
    expect(load.stdout.trim()).toMatch(/^\d{8}-\d{6}-\d{3}$/);
    expect(load.stderr).toMatch(/4 departed subjects, 10 findings/);
    const r = JSON.parse(cli(['residual', '--all', '--store', store, '--format', 'json']).stdout);
    expect(r.snapshot).toBe(load.stdout.trim());
    expect(r.findings).toHaveLength(10);
    expect(JSON.parse(cli(['snapshots', '--store', store, '--format', 'json']).stdout).snapshots).toHaveLength(1);
  });
});
