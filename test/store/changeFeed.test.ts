/**
 * The change feed on its own (store/ChangeFeed.ts), with findings documents made here: the first
 * snapshot is the baseline (states, no events), then one event per difference with monotonic
 * positions — created, updated (status, severity, reach…), closed, reopened —, never a close on missing data (coverage lost is an update, and the close comes when
 * the data is complete again), snapshots appended once and in order only, history retained from
 * the oldest snapshot kept, the feed's file private, and filtered reads delivering the events whose
 * state before or after matches, bounded by a limit and a scan window.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding, FindingsDoc } from '../../queries/residual.js';
import { ChangeFeed, FEED_FILE } from '../../src/store/ChangeFeed.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function feed(): ChangeFeed {
  const d = mkdtempSync(join(tmpdir(), 'revenant-feed-'));
  dirs.push(d);
  return ChangeFeed.open(d);
}

const SK = 'entra:tenant-1';

function finding(id: string, status: Finding['status'] = 'dormant', severity: Finding['severity'] = 'low', rule = 'entra.dormant-membership'): Finding {
  return {
    id,
    rule,
    status,
    severity,
    subject: { source: 'entra', id: `user-${id}`, name: `user ${id}` },
    via: { source: 'entra', id: `group-${id}`, name: `group ${id}`, kind: 'EntraGroup' },
    validUntil: null,
    path: [],
    reaches: { tier0: false, privileges: [] },
    evidence: [`evidence of ${id} at some time`],
    remediation: [],
  };
}

function doc(findings: Finding[], uncovered: string[] = []): FindingsDoc {
  const subjects = findings.map((f) => ({
    source: 'entra',
    sourceKey: SK,
    id: f.subject.id,
    name: f.subject.name,
    departed: true,
    departedBecause: [],
    departedAt: null,
    departedAtFrom: null,
    disabled: true,
    assumed: false,
    closed: false,
    closure: '',
    person: null,
    findings: 1,
  }));
  return {
    format: 'revenant-findings/1',
    at: '2026-11-01T00:00:00.000Z',
    snapshot: null,
    coverage: { [SK]: { source: 'entra', tenant: 'tenant-1', complete: [], partial: [], missing: [], reasons: {}, uncoveredRules: uncovered } as never },
    subjects,
    persons: [],
    findings,
  } as FindingsDoc;
}

const all = (f: ChangeFeed) => f.read(0, Number.MAX_SAFE_INTEGER, {}, 1000).events;

describe('ChangeFeed', () => {
  it('creates its file 0600', () => {
    const f = feed();
    expect((statSync(f.path).mode & 0o777).toString(8)).toBe('600');
    expect(f.path.endsWith(FEED_FILE)).toBe(true);
    f.close();
  });

  it('logs created, updated, closed and reopened with monotonic positions', () => {
    const f = feed();
    const a = finding('a');
    const b = finding('b');
    expect(f.append('s0', doc([]), '2026-10-01T00:00:00.000Z')).toBe(0);
    expect(f.append('s1', doc([a, b]), '2026-11-01T00:00:00.000Z')).toBe(2);
    expect(f.append('s2', doc([{ ...a, status: 'live', severity: 'high' }]), '2026-11-02T00:00:00.000Z')).toBe(2);
    expect(f.append('s3', doc([{ ...a, status: 'live', severity: 'high', evidence: ['reworded'] }]), '2026-11-03T00:00:00.000Z')).toBe(0);
    expect(f.append('s4', doc([{ ...a, status: 'live', severity: 'high' }, b]), '2026-11-04T00:00:00.000Z')).toBe(1);
    const ev = all(f);
    expect(ev.map((e) => [e.seq, e.snapshot, e.finding, e.kind, e.reason])).toEqual([
      [1, 's1', 'a', 'created', null],
      [2, 's1', 'b', 'created', null],
      [3, 's2', 'a', 'updated', 'regression'],
      [4, 's2', 'b', 'closed', 'resolved'],
      [5, 's4', 'b', 'reopened', null],
    ]);
    expect(ev[2]).toMatchObject({ status: 'live', severity: 'high', previousStatus: 'dormant', previousSeverity: 'low', firstSeen: { snapshot: 's1', at: '2026-11-01T00:00:00.000Z' } });
    // A close carries the finding as last seen.
    expect(ev[3]).toMatchObject({ status: 'dormant', doc: { id: 'b', status: 'dormant' }, lastSeen: { snapshot: 's1' } });
    expect(ev[4]).toMatchObject({ firstSeen: { snapshot: 's1' }, lastSeen: { snapshot: 's4' } });
    expect([f.endOf('s0'), f.endOf('s1'), f.endOf('s2'), f.endOf('s3'), f.endOf('s4')]).toEqual([0, 2, 4, 4, 5]);
    f.close();
  });

  it('never closes a finding whose data went partial: coverage-lost, then closed once the data is complete', () => {
    const f = feed();
    const a = finding('a');
    f.append('s0', doc([]));
    f.append('s1', doc([a]));
    f.append('s2', doc([], ['entra.dormant-membership']));
    f.append('s3', doc([], ['entra.dormant-membership']));
    f.append('s4', doc([]));
    expect(all(f).map((e) => [e.snapshot, e.kind, e.reason])).toEqual([
      ['s1', 'created', null],
      ['s2', 'updated', 'coverage-lost'],
      ['s4', 'closed', 'resolved-after-coverage-returned'],
    ]);
    const g = feed();
    g.append('s0', doc([]));
    g.append('s1', doc([a]));
    g.append('s2', doc([], ['entra.dormant-membership']));
    g.append('s3', doc([a]));
    expect(all(g).map((e) => [e.snapshot, e.kind, e.reason])).toEqual([
      ['s1', 'created', null],
      ['s2', 'updated', 'coverage-lost'],
      ['s3', 'updated', 'coverage-restored'],
    ]);
    f.close();
    g.close();
  });

  it('takes the first snapshot as its baseline, then appends a snapshot once, and only one newer than every snapshot in the feed', async () => {
    const f = feed();
    expect(f.append('s2', doc([finding('a')]))).toBe(0);
    expect(all(f)).toEqual([]);
    expect(f.endOf('s2')).toBe(0);
    expect(f.append('s2', doc([finding('a')]))).toBeNull();
    expect(f.append('s1', doc([finding('z')]))).toBeNull();
    const read: string[] = [];
    const appended = await f.sync(['s1', 's2', 's3', 'bad', 's4'].sort(), (id) => {
      read.push(id);
      if (id === 'bad') throw new Error('unreadable');
      return { doc: doc([finding('a'), finding(id)]), at: '2026-11-05T00:00:00.000Z' };
    });
    expect(read).toEqual(['s3', 's4']);
    expect(appended).toEqual(['s3', 's4']);
    expect(all(f).map((e) => [e.snapshot, e.finding, e.kind])).toEqual([
      ['s3', 's3', 'created'],
      ['s4', 's4', 'created'],
      ['s4', 's3', 'closed'],
    ]);
    expect(f.lastLogged()).toBe('s4');
    f.close();
  });

  it('writes a baseline\'s states as the comparison with no states would (first of a repeated id, document order)', () => {
    const findings = [finding('b', 'live', 'high'), finding('a'), { ...finding('b'), evidence: ['again'] }, finding('c', 'dormant', 'medium', 'entra.dormant-role')];
    const states = (f: ChangeFeed) => f.db.prepare('SELECT * FROM feed_state ORDER BY rowid').all();
    const base = feed();
    expect(base.append('s1', doc(findings), '2026-11-02T00:00:00.000Z')).toBe(0);
    // The same document appended after an empty baseline goes through the comparison (three `created`).
    const compared = feed();
    compared.append('s0', doc([]));
    expect(compared.append('s1', doc(findings), '2026-11-02T00:00:00.000Z')).toBe(3);
    expect(states(base)).toHaveLength(3);
    expect(states(base)).toEqual(states(compared));
    expect((states(base)[0] as { status: string; doc: string }).status).toBe('live');
    expect(JSON.parse((states(base)[0] as { doc: string }).doc)).toEqual(findings[0]);
    // And the baseline's states decide the next snapshot's events like any others.
    expect(base.append('s2', doc([finding('a'), finding('b')]))).toBe(2);
    expect(all(base).map((e) => [e.finding, e.kind, e.reason])).toEqual([
      ['b', 'updated', 'status-changed'],
      ['c', 'closed', 'resolved'],
    ]);
    base.close();
    compared.close();
  });

  it('keeps the history from the oldest snapshot kept, and says which positions expired', () => {
    const f = feed();
    f.append('s0', doc([]));
    f.append('s1', doc([finding('a')]));
    f.append('s2', doc([finding('a'), finding('b')]));
    f.append('s3', doc([finding('b')]));
    expect(f.prunedThrough()).toBe(0);
    f.retainFrom('s2');
    expect(f.prunedThrough()).toBe(2);
    expect(all(f).map((e) => e.seq)).toEqual([3]);
    f.retainFrom('s1');
    expect(f.prunedThrough()).toBe(2);
    // Appending goes on after the highest position ever given.
    f.append('s4', doc([]));
    expect(all(f).map((e) => [e.seq, e.kind])).toEqual([
      [3, 'closed'],
      [4, 'closed'],
    ]);
    f.close();
  });

  it('reads with filters on the state before or after each event, within a limit and a scan window', () => {
    const f = feed();
    const a = finding('a');
    const b = finding('b', 'live', 'high');
    const c = finding('c', 'dormant', 'low', 'entra.dormant-role');
    f.append('s0', doc([]));
    f.append('s1', doc([a, b, c]));
    f.append('s2', doc([{ ...a, status: 'live', severity: 'high' }, { ...b, status: 'dormant', severity: 'low' }, c]));
    f.append('s3', doc([{ ...a, status: 'live', severity: 'high' }]));
    const live = f.read(0, 100, { status: ['live'] }, 100).events.map((e) => [e.finding, e.kind, e.status]);
    expect(live).toEqual([
      ['b', 'created', 'live'],
      ['a', 'updated', 'live'],
      ['b', 'updated', 'dormant'],
    ]);
    const dormantLow = f.read(0, 100, { status: ['dormant'], severity: ['low'] }, 100).events.map((e) => [e.finding, e.kind]);
    expect(dormantLow).toEqual([
      ['a', 'created'],
      ['c', 'created'],
      ['a', 'updated'],
      ['b', 'updated'],
      ['b', 'closed'],
      ['c', 'closed'],
    ]);
    expect(f.read(0, 100, { rule: ['entra.dormant-role'] }, 100).events.map((e) => e.kind)).toEqual(['created', 'closed']);
    expect(f.read(0, 100, { since: '2030-01-01T00:00:00.000Z' }, 100).events).toEqual([]);
    const page = f.read(0, 100, {}, 2);
    expect(page.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(page.next).toBe(2);
    const window = f.read(0, 100, { rule: ['entra.dormant-role'] }, 100, 2);
    expect(window.events.map((e) => e.seq)).toEqual([]);
    expect(window.next).toBe(2);
    expect(f.read(5, 3, {}, 10)).toEqual({ events: [], next: 5 });
    f.close();
  });
});
