/**
 * The report stays small at any size: a synthetic analysis with 50,000 departed accounts (each its
 * own leaver), 50,000 findings, 500 live tier-0 paths, 250 resolved and 6,250 regressed findings renders to an HTML page under 10 MB with long tables collapsed and capped — never
 * 50,000 rows inline — while report.json and the CSV files keep every row. The benchmark
 * (bench/report.mjs) measures the real end-to-end time on a `revenant synth --users 50000` store.
 */
import { describe, expect, test } from 'vitest';
import type { Finding, FindingsDoc, SubjectReport } from '../../queries/residual.js';
import { buildReport, TTD_LABELS } from '../../src/reports/buildReport.js';
import { renderCharts } from '../../src/reports/charts.js';
import { findingsCsv, leaversCsv } from '../../src/reports/csv.js';
import { MAX_PICTURES, MAX_TABLE_ROWS, renderReportHtml } from '../../src/reports/renderHtml.js';
import type { ReportInputs, SnapshotMeta } from '../../src/reports/reportInputs.js';

const N = 50_000;
const RULES = ['entra.owned-app-secret', 'entra.dormant-membership', 'okta.dormant-membership', 'okta.api-token-of-departed'] as const;

function docAt(at: string, snapshot: string, n: number, variant: number): FindingsDoc {
  const subjects: SubjectReport[] = [];
  const findings: Finding[] = [];
  for (let i = 0; i < n; i++) {
    const id = `u${i}`;
    subjects.push({
      source: 'entra',
      sourceKey: 'entra:t',
      id,
      name: `user${i}@contoso.com`,
      departed: true,
      departedBecause: ['accountEnabled=false', 'hr:terminated 2026-10-01'],
      departedAt: new Date(Date.parse('2026-10-01T00:00:00Z') + (i % 400) * 3_600_000).toISOString(),
      departedAtFrom: 'Disable account audit event',
      disabled: true,
      assumed: false,
      closed: false,
      closure: '1 finding',
      person: null,
      findings: 1,
    });
    for (let k = 0; k < 1; k++) {
      const rule = RULES[(i + k) % RULES.length];
      const live = rule === 'entra.owned-app-secret' || (rule === 'okta.api-token-of-departed' && (Math.floor(i / 4) + variant) % 2 === 0);
      findings.push({
        id: `${i.toString(16).padStart(28, '0')}000${k}`,
        rule,
        status: live ? 'live' : 'dormant',
        severity: live ? (i % 25 === 0 ? 'critical' : 'high') : 'low',
        subject: { source: 'entra', id, name: `user${i}@contoso.com` },
        via: { source: 'entra', kind: 'PasswordCredential', id: `v${i}-${k}`, name: `secret ${k}` },
        validUntil: null,
        path: [
          { kind: 'EntraUser', id, name: `user${i}@contoso.com`, source: 'entra' },
          { edge: 'OWNS' },
          { kind: 'EntraApplication', id: `app${i % 900}`, name: `app ${i % 900}`, source: 'entra' },
          { edge: 'HAS_CREDENTIAL' },
          { kind: 'PasswordCredential', id: `v${i}-${k}`, name: `secret ${k}`, source: 'entra' },
        ],
        reaches: { tier0: live && i % 25 === 0, privileges: live ? ['Microsoft Graph: Application.ReadWrite.All'] : [] },
        evidence: [`entra/applications.jsonl:${i + 1}`],
        remediation: [`POST /applications/app${i % 900}/removePassword {"keyId":"v${i}-${k}"}`],
      });
    }
  }
  return {
    format: 'revenant-findings/1',
    at,
    snapshot,
    coverage: { 'entra:t': { source: 'entra', tenant: 't', complete: ['users'], partial: [], missing: [], reasons: {}, uncoveredRules: [] } },
    subjects,
    persons: [],
    findings,
  };
}

const meta = (id: string, at: string): SnapshotMeta => ({ id, at, createdAt: at, collections: ['/c'], sources: [], files: [{ name: 'entra/users.jsonl', objects: N, bytes: 1, sha256: '0'.repeat(64) }] });

describe('scale', () => {
  test('50,000 leavers and 50,000 findings: report.html under 10 MB, tables capped', async () => {
    const before = docAt('2026-11-01T00:00:00.000Z', 's1', N + 250, 1);
    const doc = docAt('2026-11-08T00:00:00.000Z', 's2', N, 0);
    const inputs: ReportInputs = {
      storeDir: '/nonexistent',
      current: meta('s2', doc.at),
      doc,
      baseline: { meta: meta('s1', before.at), doc: before, why: 'test' },
      periodFrom: null,
      trend: Array.from({ length: 26 }, (_, i) => ({ snapshot: `s${i}`, at: new Date(Date.parse('2026-05-01T00:00:00Z') + i * 7 * 86_400_000).toISOString(), byStatus: { live: 100 + i, dormant: 1000 }, bySeverity: { critical: 10, high: 90 + i, low: 1000 } })),
      history: new Map(),
      acceptances: { format: 'revenant-acceptances/1', acceptances: [] },
      allSnapshots: ['s1', 's2'],
    };
    const t0 = performance.now();
    const r = buildReport(inputs, { slaMs: 86_400_000, slaText: '24h' });
    const charts = await renderCharts(r.trend, r.timeToDisable, [...TTD_LABELS], '24h');
    const page = renderReportHtml(r, charts);
    const ms = performance.now() - t0;
    expect(r.findings).toHaveLength(N);
    expect(r.leavers).toHaveLength(N);
    expect(r.changes.resolved.length).toBe(250);
    expect(r.changes.changed.filter((c) => c.regression).length).toBeGreaterThan(1000);
    expect(r.tier0Live.length).toBeGreaterThan(MAX_PICTURES);

    const bytes = Buffer.byteLength(page);
    expect(bytes).toBeLessThan(10 * 1024 * 1024);
    expect((page.match(/<tbody class="leaver"/g) ?? []).length).toBe(MAX_TABLE_ROWS);
    expect((page.match(/<figure class="path-figure"/g) ?? []).length).toBe(MAX_PICTURES);
    expect((page.match(/<tr/g) ?? []).length).toBeLessThan(12_000);
    expect(page).toContain('more rows are not shown here: see leavers.csv');
    // The CSVs keep every row.
    expect(findingsCsv(r).split('\n').length - 2).toBe(N);
    expect(leaversCsv(r).split('\n').length - 2).toBe(N);
    // Time is measured on a real store by bench/report.mjs; here only a gross regression guard.
    expect(ms).toBeLessThan(60_000);
  }, 120_000);
});
