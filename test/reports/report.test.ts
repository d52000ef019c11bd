/**
 * A report built from two snapshots of a scenario (before and after removing some access, with
 * one dataset made partial and one account moved from suspended to deactivated) shows exactly
 * the expected new, resolved and regressed findings, keeps the coverage-lost finding apart from
 * the resolved ones, applies acceptances at the analysis time (held, then expired), and renders
 * every section and figure of the HTML; the CSV columns are the documented ones; --fail-on gates.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { type HTMLElement, parse } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { run } from '../../src/cli/main.js';
import { readStoredFindings } from '../../src/store/storedFindings.js';
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import type { ReportDoc } from '../../src/reports/buildReport.js';
import { FINDINGS_CSV_COLUMNS, LEAVERS_CSV_COLUMNS } from '../../src/reports/csv.js';
import { readLedger } from '../../src/reports/ledger.js';
import { type WriteReportResult, writeReport } from '../../src/reports/writeReport.js';
import { RULES } from '../../queries/residual-access/index.js';
import { ROOT } from '../support/scenarios.js';
import { ALICE, CAROL, DEPLOY_SECRET, FINANCE_GROUP, GINA, GINA_TOKEN, NEW_SECRET, SALESFORCE, type TwoSnapshots, WIKI, triple, twoSnapshots } from './fixture.js';

const NOW = new Date('2026-11-09T12:00:00Z');
let t: TwoSnapshots;
let r1: WriteReportResult;
let doc: ReportDoc;
let page: HTMLElement;
let certId: string;
let roleId: string;

async function cli(args: string[]): Promise<number> {
  return run(['node', 'revenant', ...args]);
}

beforeAll(async () => {
  t = await twoSnapshots();
  const first = (() => {
    const db = new SnapshotDb(t.store.pathOf(t.first));
    try {
      return readStoredFindings(db);
    } finally {
      db.close();
    }
  })();
  certId = first.findings.find((f) => f.rule === 'entra.owned-app-certificate' && f.subject.id === ALICE)!.id;
  roleId = first.findings.find((f) => f.rule === 'okta.dormant-role' && f.subject.id === GINA)!.id;
  // Accepted on the first snapshot: the certificate until next year, gina's dormant role only until 5 November.
  expect(await cli(['accept', certId, '--reason', 'cert pinned by the payroll vendor until rotation', '--until', '2027-01-01', '--by', 'ciso@contoso.com', '--store', t.storeDir])).toBe(0);
  expect(await cli(['accept', roleId.slice(0, 12), '--reason', 'break-glass review pending', '--until', '2026-11-05T00:00:00Z', '--by', 'it.lead', '--store', t.storeDir])).toBe(0);
  await t.loadSecond();
  r1 = await writeReport({ out: join(t.root, 'r1'), store: t.storeDir, snapshot: t.first, now: NOW });
  await writeReport({ out: join(t.root, 'r2'), store: t.storeDir, now: NOW });
  doc = JSON.parse(readFileSync(join(t.root, 'r2', 'report.json'), 'utf8')) as ReportDoc;
  page = parse(readFileSync(join(t.root, 'r2', 'report.html'), 'utf8'));
}, 60_000);

afterAll(() => t?.cleanup());

describe('changes since the previous report', () => {
  test('the second report compares with the first report’s snapshot', () => {
    expect(doc.snapshot).toBe(t.second);
    expect(doc.baseline.snapshot).toBe(t.first);
    expect(doc.baseline.why).toMatch(/previous report/);
    expect(doc.period).toEqual({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-08T00:00:00.000Z' });
    expect(readLedger(t.storeDir).map((e) => e.snapshot)).toEqual([t.first, t.second]);
    expect(r1.doc.baseline.snapshot).toBeNull();
  });

  test('exactly the expected new, resolved and regressed findings', () => {
    const byId = new Map(doc.findings.map((f) => [f.id, f]));
    expect(doc.changes.new.map((id) => triple(byId.get(id)!))).toEqual([`entra.owned-app-secret ${ALICE} ${NEW_SECRET}`]);
    expect(new Set(doc.changes.resolved.map(triple))).toEqual(
      new Set([`entra.owned-app-secret ${ALICE} ${DEPLOY_SECRET}`, `okta.downstream-account-not-deprovisioned ${GINA} ${SALESFORCE}`, `okta.dormant-app-assignment ${GINA} ${WIKI}`]),
    );
    const regressed = doc.changes.changed.filter((c) => c.regression);
    expect(regressed.map((c) => [triple(byId.get(c.id)!), c.before, c.after])).toEqual([[`okta.api-token-of-departed ${GINA} ${GINA_TOKEN}`, 'dormant', 'live']]);
    expect(doc.changes.changed).toHaveLength(1);
    expect(byId.get(regressed[0].id)!.change).toBe('regressed');
    expect(doc.summary).toMatchObject({ new: 1, resolved: 3, regressed: 1, changedStatus: 1, persisting: doc.findings.length - 2 });
  });

  test('a finding whose data went partial is coverage lost, never resolved', () => {
    expect(doc.changes.coverageLost).toHaveLength(1);
    const lost = doc.changes.coverageLost[0];
    expect(lost.sourceKey).toMatch(/^entra:/);
    expect(lost.datasets).toEqual(['groupMembers']);
    expect(lost.rules).toEqual(expect.arrayContaining(['entra.dormant-membership', 'entra.dormant-role']));
    expect(lost.findings.map(triple)).toEqual([`entra.dormant-membership ${ALICE} ${FINANCE_GROUP}`]);
    expect(doc.changes.resolved.map(triple)).not.toContain(`entra.dormant-membership ${ALICE} ${FINANCE_GROUP}`);
    expect(doc.summary.coverageLost).toEqual({ sources: 1, datasets: 1, rules: lost.rules.length, findings: 1 });
    // Carol was closed; with groupMembers partial nobody of that source is closed.
    const carol = (r: ReportDoc) => r.leavers.find((l) => l.accounts.some((a) => a.id === CAROL))!;
    expect(carol(r1.doc).closed).toBe(true);
    expect(carol(doc).closed).toBe(false);
    expect(carol(doc).why).toMatch(/data incomplete/);
  });
});

describe('acceptances', () => {
  test('an acceptance holds until its date, judged at the analysis time', () => {
    const f1 = new Map(r1.doc.findings.map((f) => [f.id, f]));
    const f2 = new Map(doc.findings.map((f) => [f.id, f]));
    expect(f1.get(certId)!.acceptance?.state).toBe('accepted');
    expect(f2.get(certId)!.acceptance).toMatchObject({ state: 'accepted', by: 'ciso@contoso.com', until: '2027-01-01T00:00:00.000Z' });
    expect(f1.get(roleId)!.acceptance?.state).toBe('accepted');
    expect(f2.get(roleId)!.acceptance?.state).toBe('expired');
    expect(r1.doc.summary.accepted).toBe(2);
    expect(doc.summary.accepted).toBe(1);
    expect(doc.summary.acceptanceExpired).toBe(1);
    // Accepted findings are not open or live: the live count leaves the accepted certificate out.
    expect(doc.summary.liveNow).toBe(doc.findings.filter((f) => f.status === 'live' && f.id !== certId).length);
    expect(doc.remediations.flatMap((g) => g.findingIds)).not.toContain(certId);
    expect(doc.remediations.flatMap((g) => g.findingIds)).toContain(roleId);
  });

  test('bad acceptances are refused with exit code 2', async () => {
    expect(await cli(['accept', certId, '--reason', 'x', '--until', '2026-11-02', '--by', 'me', '--store', t.storeDir])).toBe(2); // before the latest analysis time
    expect(await cli(['accept', 'f'.repeat(32), '--reason', 'x', '--until', '2027-01-01', '--by', 'me', '--store', t.storeDir])).toBe(2);
    expect(await cli(['accept', certId, '--until', '2027-01-01', '--by', 'me', '--store', t.storeDir])).toBe(2);
    expect(await cli(['accept', certId, '--reason', 'x', '--until', 'someday', '--by', 'me', '--store', t.storeDir])).toBe(2);
  });
});

describe('report content', () => {
  test('remediations are grouped by action', () => {
    const secrets = doc.remediations.find((g) => g.rule === 'entra.owned-app-secret')!;
    expect(secrets.action).toBe('Remove 2 client secrets from 1 application');
    expect(doc.remediations[0].worstSeverity).toBe('critical');
  });

  test('ownerless machine identities and live tier-0 paths', () => {
    expect(doc.ownerless.map((o) => o.via.name)).toEqual(['payroll-sync']);
    const tier0 = doc.tier0Live.map((id) => doc.findings.find((f) => f.id === id)!);
    expect(tier0.every((f) => f.status === 'live' && f.reaches.tier0 && f.acceptance?.state !== 'accepted')).toBe(true);
    expect(tier0.map(triple)).toContain(`okta.api-token-of-departed ${GINA} ${GINA_TOKEN}`);
    expect(doc.summary.liveTier0Now).toBe(tier0.length);
  });

  test('method appendix: collections, versions, rule catalogue, input hashes', () => {
    expect(doc.method.rules).toHaveLength(RULES.length);
    expect(doc.method.snapshot.files.length).toBeGreaterThan(20);
    for (const f of doc.method.snapshot.files) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.method.baseline?.id).toBe(t.first);
    expect(doc.method.tool.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('HTML', () => {
  const metric = (m: string) => page.querySelector(`[data-metric="${m}"] .value`)?.text;

  test('self-contained: no script, no external resource, a CSP that forbids requests', () => {
    const text = readFileSync(join(t.root, 'r2', 'report.html'), 'utf8');
    expect(page.querySelectorAll('script')).toHaveLength(0);
    expect(page.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content')).toMatch(/default-src 'none'/);
    for (const el of page.querySelectorAll('[src], link[href]')) {
      const url = el.getAttribute('src') ?? el.getAttribute('href') ?? '';
      expect(url.startsWith('data:')).toBe(true);
    }
    for (const a of page.querySelectorAll('a[href]')) expect(a.getAttribute('href')).toMatch(/^#/);
    expect(text).not.toMatch(/url\(\s*['"]?(https?:)?\/\//);
  });

  test('every section is there, with the summary strip', () => {
    for (const id of ['summary', 'changes', 'coverage-lost', 'trends', 'leavers', 'tier0', 'ownerless', 'remediations', 'findings', 'accepted', 'coverage', 'method']) {
      expect(page.querySelector(`section#${id}`), id).not.toBeNull();
    }
    expect(metric('new')).toBe('1');
    expect(metric('resolved')).toBe('3');
    expect(metric('regressed')).toBe('1');
    expect(metric('coverage-lost')).toBe('1');
    expect(page.querySelector('[data-metric="coverage-lost"]')?.classList.contains('apart')).toBe(true);
    expect(metric('accepted')).toBe('1');
    expect(metric('live-now')).toBe(String(doc.summary.liveNow));
  });

  test('changes: new, resolved, regressed, and the coverage-lost finding only under coverage lost', () => {
    const ids = (sel: string) => page.querySelectorAll(`${sel} tr[data-finding]`).map((r) => r.getAttribute('data-finding'));
    const lostId = doc.changes.coverageLost[0].findings[0].id;
    expect(ids('#table-new')).toEqual(doc.changes.new);
    expect(new Set(ids('#table-resolved'))).toEqual(new Set(doc.changes.resolved.map((f) => f.id)));
    expect(ids('#table-regressed')).toEqual(doc.changes.changed.filter((c) => c.regression).map((c) => c.id));
    expect(ids('#coverage-lost')).toEqual([lostId]);
    expect(ids('#changes')).not.toContain(lostId);
  });

  test('charts are inline SVG with marks', () => {
    for (const id of ['chart-status', 'chart-severity', 'chart-time-to-disable']) {
      const svg = page.querySelector(`figure#${id} svg`);
      expect(svg, id).not.toBeNull();
      expect(svg!.querySelectorAll('path').length, id).toBeGreaterThan(3);
    }
    // Two snapshots on the trend axis.
    expect(page.querySelector('figure#chart-status svg')!.text).toContain('2026-11-08');
  });

  test('each live tier-0 path is drawn as a graph picture', () => {
    const figs = page.querySelectorAll('section#tier0 figure.path-figure');
    expect(figs.map((f) => f.getAttribute('data-finding'))).toEqual(doc.tier0Live);
    for (const f of figs) {
      const svg = f.querySelector('svg.path-picture')!;
      expect(svg.querySelectorAll('g.node').length).toBeGreaterThanOrEqual(2);
      expect(svg.text).toContain('TIER 0');
    }
  });

  test('leavers, ownerless, remediations, accepted and coverage tables', () => {
    const alice = page.querySelector('#table-leavers tbody[data-person="emp:e1001"]');
    expect(alice?.getAttribute('data-closed')).toBe('false');
    expect(page.querySelector('#table-ownerless')?.text).toContain('payroll-sync');
    expect(page.querySelector('#table-remediations')?.text).toContain('Remove 2 client secrets from 1 application');
    expect(page.querySelectorAll('#table-accepted tr[data-finding]').map((r) => r.getAttribute('data-finding'))).toEqual([certId]);
    expect(page.querySelectorAll('#table-acceptance-expired tr[data-finding]').map((r) => r.getAttribute('data-finding'))).toEqual([roleId]);
    expect(page.querySelectorAll('#table-findings tr[data-finding]').map((r) => r.getAttribute('data-finding'))).not.toContain(certId);
    expect(page.querySelector('#table-coverage')?.text).toContain('groupMembers');
    expect(page.querySelector('#table-coverage')?.text).toContain('entra.dormant-membership');
    expect(page.querySelectorAll('#table-rules tbody tr')).toHaveLength(RULES.length);
    expect(page.querySelectorAll('table.inputs td code').some((c) => /^[0-9a-f]{64}$/.test(c.text))).toBe(true);
  });
});

describe('CSV', () => {
  const read = (name: string) => parseCsv(readFileSync(join(t.root, 'r2', name), 'utf8'), { columns: false }) as string[][];
  const documented = (table: string) => {
    const md = readFileSync(join(ROOT, 'docs', 'reports.md'), 'utf8');
    const sec = md.slice(md.indexOf(`<!-- columns:${table} -->`), md.indexOf(`<!-- /columns:${table} -->`));
    return [...sec.matchAll(/^\| `([a-z0-9_]+)` \|/gm)].map((m) => m[1]);
  };

  test('findings.csv has the stable, documented columns and one row per finding', () => {
    const rows = read('findings.csv');
    expect(rows[0]).toEqual([...FINDINGS_CSV_COLUMNS]);
    expect(documented('findings')).toEqual([...FINDINGS_CSV_COLUMNS]);
    expect(rows.length - 1).toBe(doc.findings.length);
    const col = (n: string) => rows[0].indexOf(n);
    const token = rows.find((r) => r[col('via_id')] === GINA_TOKEN)!;
    expect([token[col('status')], token[col('change')], token[col('previous_status')], token[col('tier0')]]).toEqual(['live', 'regressed', 'dormant', 'true']);
    const cert = rows.find((r) => r[col('id')] === certId)!;
    expect([cert[col('accepted')], cert[col('accepted_by')]]).toEqual(['true', 'ciso@contoso.com']);
  });

  test('leavers.csv has the stable, documented columns', () => {
    const rows = read('leavers.csv');
    expect(rows[0]).toEqual([...LEAVERS_CSV_COLUMNS]);
    expect(documented('leavers')).toEqual([...LEAVERS_CSV_COLUMNS]);
    const col = (n: string) => rows[0].indexOf(n);
    const alice = rows.find((r) => r[col('account_id')] === ALICE)!;
    expect([alice[col('source')], alice[col('closed')], alice[col('departed_at')], alice[col('departed_at_from')]]).toEqual(['entra', 'false', '2026-10-15T09:00:00.000Z', 'Disable account audit event']);
  });
});

describe('revenant report (CLI)', () => {
  test('--fail-on live exits 3 after writing the files; a bad --sla or --fail-on exits 2', async () => {
    const out = join(t.root, 'r-cli');
    expect(await cli(['report', '--store', t.storeDir, '--out', out, '--fail-on', 'live', '--no-record'])).toBe(3);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    expect(await cli(['report', '--store', t.storeDir, '--out', out, '--sla', 'soon', '--no-record'])).toBe(2);
    expect(await cli(['report', '--store', t.storeDir, '--out', out, '--fail-on', 'bogus', '--no-record'])).toBe(2);
    expect(await cli(['report', '--store', t.storeDir, '--out', out, '--since', '2027-01-01', '--no-record'])).toBe(2);
    expect(readLedger(t.storeDir)).toHaveLength(2);
  });

  test('--since a date picks the last snapshot collected by then', async () => {
    const res = await writeReport({ out: join(t.root, 'r-since'), store: t.storeDir, since: '2026-11-03', record: false, now: NOW });
    expect(res.doc.baseline.snapshot).toBe(t.first);
    expect(res.doc.period.from).toBe('2026-11-03T00:00:00.000Z');
    const none = await writeReport({ out: join(t.root, 'r-since2'), store: t.storeDir, since: '2026-10-01', record: false, now: NOW });
    expect(none.doc.baseline.snapshot).toBeNull();
    expect(none.doc.summary.new).toBe(none.doc.findings.length);
    // The leavers departed after 3 November: none (every departure is in October).
    expect(res.doc.summary.leaversInPeriod).toBe(0);
  });
});
