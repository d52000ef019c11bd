/**
 * The per-leaver view on the cross-source-hr scenario (HR roster + Entra + Okta): accounts are
 * grouped by person, the termination comes from the roster, time to disable is measured against
 * the SLA (disabled 9 h after termination; still enabled a month after), and leavers.csv carries it.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadSnapshot } from '../../queries/loadSnapshot.js';
import { Store } from '../../src/store/Store.js';
import { type WriteReportResult, writeReport } from '../../src/reports/writeReport.js';
import { SCENARIOS } from '../support/scenarios.js';

let root: string;
let storeDir: string;
let r24: WriteReportResult;
let r4: WriteReportResult;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'revenant-leavers-'));
  cpSync(join(SCENARIOS, 'cross-source-hr'), join(root, 'cross-source-hr'), { recursive: true });
  storeDir = join(root, 'store');
  await loadSnapshot(new Store(storeDir), [join(root, 'cross-source-hr')]);
  r24 = await writeReport({ out: join(root, 'r24'), store: storeDir, sla: '24h', record: false });
  r4 = await writeReport({ out: join(root, 'r4'), store: storeDir, sla: 'PT4H', record: false });
}, 60_000);

afterAll(() => root && rmSync(root, { recursive: true, force: true }));

describe('leavers', () => {
  test('accounts are grouped by person with the HR termination', () => {
    const maria = r24.doc.leavers.find((l) => l.person === 'emp:e6001')!;
    expect(maria.name).toBe('Maria Silva');
    expect(maria.accounts.map((a) => `${a.source}:${a.name}`).sort()).toEqual(['entra:maria.silva@contoso.com', 'okta:maria.silva@contoso.com']);
    for (const a of maria.accounts) {
      expect(a.terminatedAt).toBe('2026-10-01T00:00:00.000Z');
      expect(a.terminatedFrom).toBe('HR roster');
      expect(a.timeToDisable.state).toBe('not-disabled');
      expect(a.timeToDisable.ms).toBe(31 * 86_400_000);
      expect(a.timeToDisable.withinSla).toBe(false);
    }
    expect(maria.closed).toBe(false);
  });

  test('time to disable against the SLA', () => {
    const paul = (r: WriteReportResult) => r.doc.leavers.find((l) => l.person === 'emp:e6004')!;
    const okta24 = paul(r24).accounts.find((a) => a.source === 'okta')!;
    expect(okta24.departedAtFrom).toBe('statusChanged');
    expect(okta24.timeToDisable).toMatchObject({ state: 'disabled', ms: 9 * 3_600_000, withinSla: true });
    expect(paul(r4).accounts.find((a) => a.source === 'okta')!.timeToDisable).toMatchObject({ ms: 9 * 3_600_000, withinSla: false });
    // Entra has no disable event for Paul: D is only the HR date, so the time is not measurable.
    expect(paul(r24).accounts.find((a) => a.source === 'entra')!.timeToDisable.state).toBe('unknown');
    expect(paul(r24).closed).toBe(true);
    expect(r24.doc.sla).toEqual({ text: '24h', ms: 86_400_000 });
    expect(r4.doc.summary.timeToDisable.overSla).toBeGreaterThan(r24.doc.summary.timeToDisable.overSla);
    const buckets = r24.doc.timeToDisable;
    expect(buckets.find((b) => b.bucket === '4–24 h' && b.sla === 'within SLA')?.count).toBe(1);
    expect(buckets.filter((b) => b.bucket === 'not disabled').reduce((n, b) => n + b.count, 0)).toBe(r24.doc.summary.timeToDisable.notDisabled);
  });

  test('an active account of a leaver is listed beside the departed ones', () => {
    const nora = r24.doc.leavers.find((l) => l.person === 'emp:e6002')!;
    expect(nora.accounts.find((a) => a.source === 'okta')).toMatchObject({ departed: false, closure: 'active account of the same person' });
    expect(nora.closed).toBe(false);
  });

  test('leavers.csv carries termination, time to disable and SLA', () => {
    const rows = parseCsv(readFileSync(join(root, 'r4', 'leavers.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const paulOkta = rows.find((r) => r.person_id === 'emp:e6004' && r.source === 'okta')!;
    expect(paulOkta).toMatchObject({ terminated_at: '2026-10-01T00:00:00.000Z'.replace('10-01', '09-01'), time_to_disable_hours: '9.00', sla_hours: '4.00', within_sla: 'false', disable_state: 'disabled', closed: 'true' });
    const nora = rows.find((r) => r.person_id === 'emp:e6002' && r.source === 'okta')!;
    expect(nora.departed).toBe('false');
  });
});
