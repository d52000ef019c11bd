/**
 * The residual-access analysis stored in each snapshot at load time (every departed subject at
 * the collection time): the findings, one row each with its stable id, and the rest of the
 * findings document (coverage, subjects, persons). Diffs, history, reports and the HTTP API read
 * it instead of recomputing, so every consumer sees the same answer for the same snapshot.
 */
import type Database from 'better-sqlite3';
import type { Finding, FindingsDoc } from '../../queries/residual.js';
import { ERR, StoreError } from '../model/errors.js';
import type { SnapshotDb } from './SnapshotDb.js';

const CREATE_FINDINGS_TABLES = `
CREATE TABLE IF NOT EXISTS analysis (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS findings (
  id TEXT PRIMARY KEY,
  ord INTEGER NOT NULL,
  rule TEXT NOT NULL,
  status TEXT NOT NULL,
  severity TEXT NOT NULL,
  subject_source TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  via_id TEXT NOT NULL,
  valid_until TEXT,
  doc TEXT NOT NULL
);
`;

/** Write a findings document into an open (writable) snapshot database. */
export function writeStoredFindings(db: Database.Database, doc: FindingsDoc): void {
  db.exec(CREATE_FINDINGS_TABLES);
  const ins = db.prepare(
    'INSERT OR REPLACE INTO findings(id, ord, rule, status, severity, subject_source, subject_id, via_id, valid_until, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const { findings, ...rest } = doc;
  db.transaction(() => {
    db.prepare('INSERT OR REPLACE INTO analysis(key, value) VALUES (?, ?)').run('doc', JSON.stringify(rest));
    findings.forEach((f, i) => ins.run(f.id, i, f.rule, f.status, f.severity, f.subject.source, f.subject.id, f.via.id, f.validUntil, JSON.stringify(f)));
  })();
}

export function hasStoredFindings(db: Database.Database): boolean {
  return !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'findings'").get();
}

/** The stored `residual --all` document of a snapshot. */
export function readStoredFindings(sdb: SnapshotDb): FindingsDoc {
  const db = sdb.db;
  if (!hasStoredFindings(db)) throw new StoreError(`snapshot ${sdb.id} has no stored analysis (it was written by an older revenant: load the collection again)`, ERR.SNAPSHOT_UNREADABLE);
  const rest = JSON.parse((db.prepare("SELECT value FROM analysis WHERE key = 'doc'").get() as { value: string }).value) as Omit<FindingsDoc, 'findings'>;
  const findings = (db.prepare('SELECT doc FROM findings ORDER BY ord').all() as { doc: string }[]).map((r) => JSON.parse(r.doc) as Finding);
  return { ...rest, findings };
}

/** Just the finding ids (and statuses) of a snapshot: cheap, for history. */
export function readStoredFindingIds(sdb: SnapshotDb): { id: string; status: string }[] {
  if (!hasStoredFindings(sdb.db)) return [];
  return sdb.db.prepare('SELECT id, status FROM findings ORDER BY ord').all() as { id: string; status: string }[];
}
