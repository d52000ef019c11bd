/**
 * The change feed: a monotonic log of finding events, appended once per snapshot when the snapshot
 * is written (by `load`, by an event-driven refresh, or — for a snapshot that was published
 * without it, e.g. by a crash between the two, by an older revenant, or into Neo4j from elsewhere
 * — when the server first sees it), never computed at query time. It lives beside the snapshots
 * in `<store>/feed.sqlite` (mode 0600, WAL).
 *
 * Each finding (by its stable id) has a state in the feed: open (with its status, severity and
 * document) or closed. The first snapshot of an empty feed sets the states (its baseline: a SIEM
 * lists a snapshot before following the feed); each later snapshot's findings are compared with the
 * states, and each difference is one event with the next sequence number:
 * - `created`: a finding never seen before; `reopened`: one that was closed;
 * - `updated`: its status, severity, validity, reach, via or path changed (reason
 *   `regression` when it became live, `status-changed`, `changed`), or the data that decides it
 *   stopped being complete so it can no longer be confirmed (reason `coverage-lost`: never a
 *   close) or became complete again while it persists (`coverage-restored`);
 * - `closed`: it is gone and the data that decides it was complete — never closed on missing data.
 * A snapshot is appended only if it is newer (by id) than every snapshot already in the feed, so
 * the log follows the snapshots the server serves; appends are transactions, so two writers
 * never interleave. Events are kept from the oldest snapshot still in the store on (`retainFrom`);
 * a position before that is expired, and so is a position of another feed (`epoch`, a random id
 * made with the feed), so a saved cursor can always tell whether it can continue.
 */
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Finding, FindingsDoc } from '../../queries/residual.js';
import type { DocChange } from './storedFindings.js';
import { ensurePrivateFile } from './privateFile.js';

export type FeedEventKind = 'created' | 'updated' | 'closed' | 'reopened';

export interface FeedEvent {
  seq: number;
  snapshot: string;
  /** Collection time of the snapshot. */
  at: string;
  finding: string;
  kind: FeedEventKind;
  reason: string | null;
  /** The state after the event (for `closed`: the last state). */
  status: string;
  severity: string;
  /** The state before the event (null for `created` and `reopened`). */
  previousStatus: string | null;
  previousSeverity: string | null;
  rule: string;
  source: string;
  firstSeen: { snapshot: string; at: string };
  lastSeen: { snapshot: string; at: string };
  /** The finding's document (for `closed`: as last seen). */
  doc: Finding;
}

export interface FeedFilter {
  status?: readonly string[];
  severity?: readonly string[];
  rule?: readonly string[];
  source?: readonly string[];
  /** First seen at or after (ISO time). */
  since?: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS feed_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS feed_snapshots (
  snapshot TEXT PRIMARY KEY,
  at TEXT NOT NULL,
  end_seq INTEGER NOT NULL,
  events INTEGER NOT NULL,
  logged_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS feed_state (
  finding TEXT PRIMARY KEY,
  open INTEGER NOT NULL,
  unverified INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL,
  severity TEXT NOT NULL,
  rule TEXT NOT NULL,
  source TEXT NOT NULL,
  source_key TEXT,
  digest TEXT NOT NULL,
  first_snapshot TEXT NOT NULL,
  first_at TEXT NOT NULL,
  last_snapshot TEXT NOT NULL,
  last_at TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feed_state_unverified ON feed_state(finding) WHERE unverified = 1;
CREATE TABLE IF NOT EXISTS feed_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  snapshot TEXT NOT NULL,
  at TEXT NOT NULL,
  finding TEXT NOT NULL,
  kind TEXT NOT NULL,
  reason TEXT,
  status TEXT NOT NULL,
  severity TEXT NOT NULL,
  prev_status TEXT,
  prev_severity TEXT,
  rule TEXT NOT NULL,
  source TEXT NOT NULL,
  first_snapshot TEXT NOT NULL,
  first_at TEXT NOT NULL,
  last_snapshot TEXT NOT NULL,
  last_at TEXT NOT NULL,
  doc TEXT NOT NULL
);
`;

export const FEED_FILE = 'feed.sqlite';

/** What decides an `updated` event: the parts of a finding a SIEM acts on (not its prose). */
export function findingDigest(f: Finding): string {
  const path = f.path.map((s) => (s as { edge?: string; id?: string; kind?: string }).edge ?? `${(s as { kind?: string }).kind}:${(s as { id?: string }).id}`);
  const parts = [f.status, f.severity, f.validUntil, f.reaches.tier0, [...f.reaches.privileges].sort(), f.via.kind, f.via.id, f.via.name, f.subject.name, path];
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
}

interface StateRow {
  finding: string;
  open: number;
  unverified: number;
  status: string;
  severity: string;
  rule: string;
  source: string;
  source_key: string | null;
  digest: string;
  first_snapshot: string;
  first_at: string;
  last_snapshot: string;
  last_at: string;
  doc: string;
}

interface EventRow {
  seq: number;
  snapshot: string;
  at: string;
  finding: string;
  kind: FeedEventKind;
  reason: string | null;
  status: string;
  severity: string;
  prev_status: string | null;
  prev_severity: string | null;
  rule: string;
  source: string;
  first_snapshot: string;
  first_at: string;
  last_snapshot: string;
  last_at: string;
  doc: string;
}

const toEvent = (r: EventRow): FeedEvent => ({
  seq: r.seq,
  snapshot: r.snapshot,
  at: r.at,
  finding: r.finding,
  kind: r.kind,
  reason: r.reason,
  status: r.status,
  severity: r.severity,
  previousStatus: r.prev_status,
  previousSeverity: r.prev_severity,
  rule: r.rule,
  source: r.source,
  firstSeen: { snapshot: r.first_snapshot, at: r.first_at },
  lastSeen: { snapshot: r.last_snapshot, at: r.last_at },
  doc: JSON.parse(r.doc) as Finding,
});

/** Whether the data that decides `rule` for a subject of `sourceKey` is complete in `doc`. */
function decided(doc: FindingsDoc, sourceKey: string | null, rule: string): boolean {
  if (!sourceKey) return true;
  const cov = doc.coverage[sourceKey];
  return !!cov && !cov.uncoveredRules.includes(rule);
}

/** A snapshot as `sync` reads it: its document, collection time, and (a delta on the previous) its change. */
export interface SyncRead {
  doc: FindingsDoc;
  at: string;
  change?: DocChange;
}

export class ChangeFeed {
  readonly db: Database.Database;
  /** Identifies this feed: a position is only meaningful in the feed that gave it. */
  readonly epoch: string;

  private constructor(readonly path: string) {
    ensurePrivateFile(path);
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
    this.db.prepare("INSERT OR IGNORE INTO feed_meta(key, value) VALUES ('epoch', ?)").run(randomBytes(6).toString('base64url'));
    this.db.prepare("INSERT OR IGNORE INTO feed_meta(key, value) VALUES ('prunedThrough', '0')").run();
    this.epoch = (this.db.prepare("SELECT value FROM feed_meta WHERE key = 'epoch'").get() as { value: string }).value;
  }

  /** Open (creating it if needed) the feed of a store folder. */
  static open(storeDir: string): ChangeFeed {
    return new ChangeFeed(join(storeDir, FEED_FILE));
  }

  close(): void {
    this.db.close();
  }

  /** The newest snapshot in the feed. */
  lastLogged(): string | undefined {
    return (this.db.prepare('SELECT max(snapshot) AS s FROM feed_snapshots').get() as { s: string | null }).s ?? undefined;
  }

  /** The position after the last event of snapshot `id` (or of the newest snapshot in the feed before it). */
  endOf(id: string): number {
    const r = this.db.prepare('SELECT end_seq FROM feed_snapshots WHERE snapshot <= ? ORDER BY snapshot DESC LIMIT 1').get(id) as { end_seq: number } | undefined;
    return r?.end_seq ?? this.prunedThrough();
  }

  isLogged(id: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM feed_snapshots WHERE snapshot = ?').get(id);
  }

  /** Positions at or below this were dropped with the snapshots they belonged to. */
  prunedThrough(): number {
    return Number((this.db.prepare("SELECT value FROM feed_meta WHERE key = 'prunedThrough'").get() as { value: string }).value);
  }

  /**
   * Append the events of snapshot `id` (its findings document; `at` its collection time) if it is
   * newer than every snapshot in the feed. Returns the number of events, or null when it was not
   * appended (already there, or older than the newest there). The first snapshot of an empty feed
   * is its baseline: its findings become the states, without events — a SIEM lists a snapshot
   * before it follows the feed, so no cursor can point before it. The comparison runs in SQLite
   * (this snapshot's finding ids and digests in a temporary table, joined with the states), so
   * memory stays flat however many findings there are; only changed findings are written.
   *
   * With `change` (the snapshot is a delta on `change.base`, and that is the newest snapshot in
   * the feed) only what the delta touched is compared: the findings it wrote, the base's findings
   * it dropped, and the findings left unverified (open, gone) — every other finding of the
   * document is its base's, whose state the feed already holds, so it would give no event. The
   * events are the same as the whole comparison's, in the same order (test/api/viewPatch).
   */
  append(id: string, doc: FindingsDoc, at: string = doc.at, change?: DocChange): number | null {
    return this.db.transaction((): number | null => {
      const last = this.lastLogged();
      if (last !== undefined && id <= last) return null;
      const baseline = last === undefined && !this.db.prepare('SELECT 1 FROM feed_state LIMIT 1').get();
      const prevSnapshot = last === undefined ? null : (this.db.prepare('SELECT snapshot, at FROM feed_snapshots WHERE snapshot = ?').get(last) as { snapshot: string; at: string });
      // Built on first use: a patch that writes no finding needs none.
      let sourceKeys: Map<string, string> | undefined;
      const skOf = (f: Finding) => {
        sourceKeys ??= new Map(doc.subjects.map((s) => [`${s.source}\u0000${s.id}`, s.sourceKey]));
        return sourceKeys.get(`${f.subject.source}\u0000${f.subject.id}`) ?? null;
      };
      if (baseline) {
        this.writeBaseline(id, doc, at, skOf);
        return 0;
      }
      this.db.exec(
        'CREATE TEMP TABLE IF NOT EXISTS feed_now (finding TEXT PRIMARY KEY, digest TEXT NOT NULL, ord INTEGER NOT NULL); DELETE FROM feed_now; CREATE TEMP TABLE IF NOT EXISTS feed_dropped (finding TEXT PRIMARY KEY); DELETE FROM feed_dropped;',
      );
      const insNow = this.db.prepare('INSERT OR IGNORE INTO feed_now(finding, digest, ord) VALUES (?, ?, ?)');
      // Patch: the states are the base's (the newest snapshot in the feed), so only what the delta touched can differ.
      const patch = change !== undefined && last !== undefined && change.base === last;
      if (patch) {
        const touched = new Set(change.findings.map((f) => f.id));
        doc.findings.forEach((f, i) => {
          if (touched.has(f.id)) insNow.run(f.id, findingDigest(f), i);
        });
        const insDropped = this.db.prepare('INSERT OR IGNORE INTO feed_dropped(finding) VALUES (?)');
        for (const g of change.gone) insDropped.run(g);
      } else {
        doc.findings.forEach((f, i) => insNow.run(f.id, findingDigest(f), i));
      }
      const insEvent = this.db.prepare(
        `INSERT INTO feed_events(snapshot, at, finding, kind, reason, status, severity, prev_status, prev_severity, rule, source, first_snapshot, first_at, last_snapshot, last_at, doc)
         VALUES (@snapshot, @at, @finding, @kind, @reason, @status, @severity, @prev_status, @prev_severity, @rule, @source, @first_snapshot, @first_at, @last_snapshot, @last_at, @doc)`,
      );
      const upState = this.db.prepare(
        `INSERT OR REPLACE INTO feed_state(finding, open, unverified, status, severity, rule, source, source_key, digest, first_snapshot, first_at, last_snapshot, last_at, doc)
         VALUES (@finding, @open, @unverified, @status, @severity, @rule, @source, @source_key, @digest, @first_snapshot, @first_at, @last_snapshot, @last_at, @doc)`,
      );
      const setState = this.db.prepare('UPDATE feed_state SET open = @open, unverified = @unverified, last_snapshot = @last_snapshot, last_at = @last_at WHERE finding = @finding');
      let events = 0;
      const emit = (e: Omit<EventRow, 'seq' | 'snapshot' | 'at'>) => {
        if (baseline) return;
        insEvent.run({ snapshot: id, at, ...e });
        events++;
      };

      // Findings of this snapshot that are new, back, changed, or confirmed again — in document order.
      const changed = this.db
        .prepare(
          `SELECT n.ord, n.digest, s.open, s.unverified, s.digest AS old_digest, s.status AS old_status, s.severity AS old_severity, s.source_key, s.first_snapshot, s.first_at
           FROM feed_now n LEFT JOIN feed_state s ON s.finding = n.finding
           WHERE s.finding IS NULL OR s.open = 0 OR s.digest <> n.digest OR s.unverified = 1
           ORDER BY n.ord`,
        )
        .all() as { ord: number; digest: string; open: number | null; unverified: number | null; old_digest: string | null; old_status: string | null; old_severity: string | null; source_key: string | null; first_snapshot: string | null; first_at: string | null }[];
      for (const c of changed) {
        const f = doc.findings[c.ord];
        const docText = JSON.stringify(f);
        const first = { first_snapshot: c.first_snapshot ?? id, first_at: c.first_at ?? at };
        const base = { finding: f.id, status: f.status, severity: f.severity, rule: f.rule, source: f.subject.source, ...first, last_snapshot: id, last_at: at, doc: docText };
        if (c.open === null) emit({ ...base, kind: 'created', reason: null, prev_status: null, prev_severity: null });
        else if (!c.open) emit({ ...base, kind: 'reopened', reason: null, prev_status: null, prev_severity: null });
        else if (c.old_digest !== c.digest) {
          const reason = c.old_status !== f.status ? (f.status === 'live' ? 'regression' : 'status-changed') : 'changed';
          emit({ ...base, kind: 'updated', reason, prev_status: c.old_status, prev_severity: c.old_severity });
        } else {
          emit({ ...base, kind: 'updated', reason: 'coverage-restored', prev_status: c.old_status, prev_severity: c.old_severity });
        }
        upState.run({ ...base, open: 1, unverified: 0, source_key: skOf(f) ?? c.source_key, digest: c.digest });
      }

      // Open findings that are gone: closed when the data that decides them is complete, else unverified.
      // (Patch: the open findings gone are among the base's the delta dropped and those already unverified.)
      const gone = (
        patch
          ? this.db.prepare(
              // One IN list (the dropped, and the unverified through their partial index): an OR here scans every state.
              `SELECT * FROM feed_state s WHERE s.open = 1 AND s.finding IN (SELECT finding FROM feed_dropped UNION ALL SELECT finding FROM feed_state WHERE unverified = 1)
               AND NOT EXISTS (SELECT 1 FROM feed_now n WHERE n.finding = s.finding) ORDER BY s.finding`,
            )
          : this.db.prepare('SELECT * FROM feed_state s WHERE s.open = 1 AND NOT EXISTS (SELECT 1 FROM feed_now n WHERE n.finding = s.finding) ORDER BY s.finding')
      ).all() as StateRow[];
      for (const g of gone) {
        // A verified open finding was in the previous snapshot; an unverified one was last seen when it became so.
        const seen = g.unverified || !prevSnapshot ? { last_snapshot: g.last_snapshot, last_at: g.last_at } : { last_snapshot: prevSnapshot.snapshot, last_at: prevSnapshot.at };
        const base = {
          finding: g.finding,
          status: g.status,
          severity: g.severity,
          prev_status: g.status,
          prev_severity: g.severity,
          rule: g.rule,
          source: g.source,
          first_snapshot: g.first_snapshot,
          first_at: g.first_at,
          ...seen,
          doc: g.doc,
        };
        if (decided(doc, g.source_key, g.rule)) {
          emit({ ...base, kind: 'closed', reason: g.unverified ? 'resolved-after-coverage-returned' : 'resolved' });
          setState.run({ finding: g.finding, open: 0, unverified: 0, ...seen });
        } else if (!g.unverified) {
          emit({ ...base, kind: 'updated', reason: 'coverage-lost' });
          setState.run({ finding: g.finding, open: 1, unverified: 1, ...seen });
        }
      }
      this.db.exec('DELETE FROM feed_now; DELETE FROM feed_dropped;');
      const end = (this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'feed_events'").get() as { seq: number } | undefined)?.seq ?? 0;
      this.db.prepare('INSERT INTO feed_snapshots(snapshot, at, end_seq, events, logged_at) VALUES (?, ?, ?, ?, ?)').run(id, at, end, events, new Date().toISOString());
      return events;
    }).immediate();
  }

  /**
   * The baseline of an empty feed: every finding (the first of a repeated id) becomes an open
   * state, in document order — what the comparison would write with no state to compare with and
   * no event to emit, without staging the findings in a temporary table and joining them back
   * (at 250k people, 130k findings: most of a first load's feed time).
   */
  private writeBaseline(id: string, doc: FindingsDoc, at: string, skOf: (f: Finding) => string | null): void {
    const ins = this.db.prepare(
      `INSERT OR REPLACE INTO feed_state(finding, open, unverified, status, severity, rule, source, source_key, digest, first_snapshot, first_at, last_snapshot, last_at, doc)
       VALUES (?, 1, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const seen = new Set<string>();
    for (const f of doc.findings) {
      if (seen.has(f.id)) continue;
      seen.add(f.id);
      ins.run(f.id, f.status, f.severity, f.rule, f.subject.source, skOf(f), findingDigest(f), id, at, id, at, JSON.stringify(f));
    }
    const end = (this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'feed_events'").get() as { seq: number } | undefined)?.seq ?? 0;
    this.db.prepare('INSERT INTO feed_snapshots(snapshot, at, end_seq, events, logged_at) VALUES (?, ?, ?, ?, ?)').run(id, at, end, 0, new Date().toISOString());
  }

  /**
   * Append every snapshot of `ids` (oldest first) newer than the newest in the feed, reading each
   * one's findings with `read`. A snapshot that cannot be read is skipped (it is never served).
   */
  async sync(ids: readonly string[], read: (id: string) => Promise<SyncRead> | SyncRead): Promise<string[]> {
    const appended: string[] = [];
    for (const id of ids) {
      const last = this.lastLogged();
      if (last !== undefined && id <= last) continue;
      let got: SyncRead;
      try {
        got = await read(id);
      } catch {
        continue;
      }
      if (this.append(id, got.doc, got.at, got.change) !== null) appended.push(id);
    }
    return appended;
  }

  /**
   * Keep the history from snapshot `oldest` on (the oldest snapshot still in the store): the events
   * up to the end of the newest feed snapshot at or before it are dropped, and positions up to
   * there expire. (A SIEM that listed `oldest` resumes after its end, which is kept.)
   */
  retainFrom(oldest: string | undefined): void {
    if (oldest === undefined) return;
    this.db
      .transaction(() => {
        const r = this.db.prepare('SELECT snapshot, end_seq FROM feed_snapshots WHERE snapshot <= ? ORDER BY snapshot DESC LIMIT 1').get(oldest) as
          | { snapshot: string; end_seq: number }
          | undefined;
        if (!r || r.end_seq <= this.prunedThrough()) return;
        this.db.prepare('DELETE FROM feed_events WHERE seq <= ?').run(r.end_seq);
        this.db.prepare('DELETE FROM feed_snapshots WHERE snapshot < ?').run(r.snapshot);
        this.db.prepare("UPDATE feed_meta SET value = ? WHERE key = 'prunedThrough'").run(String(r.end_seq));
      })
      .immediate();
  }

  /**
   * Events after position `after` up to `upTo`, oldest first, that match the filter — a finding's
   * state before or after the event matching it (so an escalation into the filter and a finding
   * leaving it are both delivered, and a close is delivered where the last state matched). At most
   * `limit` events, examining at most `scan` positions: `next` is the position to continue from.
   */
  read(after: number, upTo: number, filter: FeedFilter, limit: number, scan = 10_000): { events: FeedEvent[]; next: number } {
    const hi = Math.min(upTo, after + scan);
    if (hi <= after) return { events: [], next: after };
    const where: string[] = ['seq > @after', 'seq <= @hi'];
    const params: Record<string, unknown> = { after, hi, limit };
    const inList = (col: string, name: string, values?: readonly string[]) => {
      if (!values) return null;
      values.forEach((v, i) => (params[`${name}${i}`] = v));
      return `${col} IN (${values.map((_, i) => `@${name}${i}`).join(', ') || 'NULL'})`;
    };
    const rule = inList('rule', 'r', filter.rule);
    if (rule) where.push(rule);
    const source = inList('source', 'o', filter.source);
    if (source) where.push(source);
    if (filter.since) {
      where.push('first_at >= @since');
      params.since = filter.since;
    }
    if (filter.status || filter.severity) {
      const now = [inList('status', 's', filter.status), inList('severity', 'v', filter.severity)].filter(Boolean).join(' AND ');
      const before = [inList('prev_status', 's', filter.status), inList('prev_severity', 'v', filter.severity)].filter(Boolean).join(' AND ');
      where.push(`((${now}) OR (${before}))`);
    }
    const rows = this.db.prepare(`SELECT * FROM feed_events WHERE ${where.join(' AND ')} ORDER BY seq LIMIT @limit`).all(params) as EventRow[];
    const events = rows.map(toEvent);
    return { events, next: events.length === limit ? events[events.length - 1].seq : hi };
  }
}
