/**
 * The small parts of the reports: durations, the locked atomic JSON file, acceptances judged at
 * the analysis time, long tables that collapse and cap, path pictures that escape what the tenant
 * names, and remediation grouping.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'node-html-parser';
import { describe, expect, test } from 'vitest';
import type { Finding } from '../../queries/residual.js';
import { acceptanceAt, appendAcceptance, checkAcceptance, currentAcceptances, readAcceptances } from '../../src/reports/acceptances.js';
import { groupRemediations } from '../../src/reports/actions.js';
import { formatDuration, parseDuration } from '../../src/reports/duration.js';
import { html, longTable } from '../../src/reports/html.js';
import { updateJsonFile, withLock } from '../../src/reports/jsonFile.js';
import { pathPicture } from '../../src/reports/pathPicture.js';

const H = 3_600_000;

describe('durations', () => {
  test.each([
    ['24h', 24 * H],
    ['4h', 4 * H],
    ['90m', 1.5 * H],
    ['3d', 72 * H],
    ['1w', 168 * H],
    ['1d12h', 36 * H],
    ['PT8H', 8 * H],
    ['P1D', 24 * H],
    ['P1DT12H', 36 * H],
    ['pt30m', 0.5 * H],
  ])('%s', (text, ms) => expect(parseDuration(text)).toBe(ms));
  test.each(['', 'soon', '24', 'h', '-1h', '0h', 'P1M', 'PT', '1h soon'])('refuses %j', (text) => expect(() => parseDuration(text)).toThrow(/--sla/));
  test('formats', () => {
    expect(formatDuration(45 * 60_000)).toBe('45 min');
    expect(formatDuration(5.5 * H)).toBe('5 h 30 min');
    expect(formatDuration(76 * H)).toBe('3 d 4 h');
  });
});

describe('JSON files in the store', () => {
  test('updates are atomic and serialised by a lock; a dead holder’s lock is taken over', () => {
    const dir = mkdtempSync(join(tmpdir(), 'revenant-json-'));
    const path = join(dir, 'x.json');
    for (let i = 0; i < 5; i++) updateJsonFile<{ n: number[] }>(path, { n: [] }, (c) => ({ n: [...c.n, i] }));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ n: [0, 1, 2, 3, 4] });
    expect(readdirSync(dir).sort()).toEqual(['x.json']);
    writeFileSync(`${path}.lock`, '999999999'); // no such process
    expect(withLock(path, () => 'took over')).toBe('took over');
    writeFileSync(`${path}.lock`, String(process.pid)); // held by a live process
    expect(() => withLock(path, () => 1, 100)).toThrow(/held by process/);
  });
});

describe('acceptances', () => {
  test('judged at the analysis time; the latest record wins; a revocation ends it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'revenant-acc-'));
    const id = 'a'.repeat(32);
    const at = Date.parse('2026-11-01T00:00:00Z');
    expect(() => checkAcceptance({ finding: id, reason: 'r', by: 'b', until: '2026-10-31' }, at)).toThrow(/already be expired/);
    expect(() => checkAcceptance({ finding: 'nope', reason: 'r', by: 'b', until: '2027-01-01' }, at)).toThrow(/not a finding id/);
    appendAcceptance(dir, checkAcceptance({ finding: id, reason: 'r', by: 'b', until: '2026-12-01' }, at));
    let cur = currentAcceptances(readAcceptances(dir));
    expect(acceptanceAt(cur, id, at)?.state).toBe('accepted');
    expect(acceptanceAt(cur, id, Date.parse('2026-12-01T00:00:00Z'))?.state).toBe('expired');
    expect(acceptanceAt(cur, 'b'.repeat(32), at)).toBeUndefined();
    appendAcceptance(dir, { finding: id, reason: 'revoked', by: 'b', until: '2026-11-01', revoked: true });
    cur = currentAcceptances(readAcceptances(dir));
    expect(acceptanceAt(cur, id, at)).toBeUndefined();
    expect(readAcceptances(dir).acceptances).toHaveLength(2);
  });
});

describe('HTML building blocks', () => {
  test('long tables show the first rows, collapse the rest and cap', () => {
    const rows = Array.from({ length: 1234 }, (_, i) => html`<tr><td>${i}</td></tr>`);
    const root = parse(longTable({ id: 't', header: ['n'], rows, first: 50, block: 250, cap: 1000, moreIn: 'x.csv' }).text);
    expect(root.querySelectorAll('#t tbody tr')).toHaveLength(50);
    expect(root.querySelectorAll('details.more')).toHaveLength(4);
    expect(root.querySelectorAll('tbody tr')).toHaveLength(1000);
    expect(root.querySelector('p.capped')?.text).toContain('234 more rows');
  });

  test('values are escaped', () => {
    expect(html`<td>${'<script>alert(1)</script>'}</td>`.text).toBe('<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>');
  });

  test('a path picture escapes names and draws the tier-0 privilege', () => {
    const svg = pathPicture({
      id: '0'.repeat(32),
      rule: 'entra.owned-app-secret',
      path: [
        { kind: 'EntraUser', id: 'u1', name: '<img src=x onerror=alert(1)>', source: 'entra' },
        { edge: 'OWNS' },
        { kind: 'EntraApplication', id: 'a1', name: 'app & co', source: 'entra' },
        { edge: 'MEMBER_OF', reverse: true },
        { kind: 'EntraGroup', id: 'g1', name: 'g', source: 'entra' },
        { edge: 'HAS_ROLE' },
        { kind: 'EntraRoleAssignment', id: 'r1', name: 'r', source: 'entra' },
      ],
      reaches: { tier0: true, privileges: ['Microsoft Graph: Application.ReadWrite.All'] },
    });
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;img');
    expect(svg).toContain('app &amp; co');
    const root = parse(svg);
    expect(root.querySelectorAll('g.node')).toHaveLength(5);
    expect(root.text).toContain('TIER 0 · Microsoft Graph');
    expect(svg).toContain('marker-start'); // the reversed edge
  });
});

describe('remediations grouped by action', () => {
  const f = (rule: string, subject: string, via: string, app: string, status = 'live', severity = 'high'): Finding =>
    ({
      id: `${rule}|${subject}|${via}`,
      rule,
      status,
      severity,
      subject: { source: 'entra', id: subject, name: subject },
      via: { source: 'entra', kind: 'PasswordCredential', id: via, name: via },
      validUntil: null,
      path: [
        { kind: 'EntraUser', id: subject, name: subject, source: 'entra' },
        { edge: 'OWNS' },
        { kind: 'EntraApplication', id: app, name: app, source: 'entra' },
        { edge: 'HAS_CREDENTIAL' },
        { kind: 'PasswordCredential', id: via, name: via, source: 'entra' },
      ],
      reaches: { tier0: false, privileges: [] },
      evidence: [],
      remediation: [`POST /applications/${app}/removePassword`],
    }) as Finding;

  test('distinct secrets and applications are counted once', () => {
    const g = groupRemediations([
      f('entra.owned-app-secret', 'alice', 's1', 'app1'),
      f('entra.owned-app-secret', 'bob', 's1', 'app1'), // co-owners: one secret
      f('entra.owned-app-secret', 'alice', 's2', 'app2'),
      f('entra.owned-app-secret', 'alice', 's3', 'app2'),
      f('entra.dormant-membership', 'alice', 'g1', 'x', 'dormant', 'low'),
    ]);
    expect(g.map((x) => x.action)).toEqual(['Remove 3 client secrets from 2 applications', 'Remove 1 group membership from 1 group']);
    expect(g[0].byStatus).toEqual({ live: 4 });
  });
});
