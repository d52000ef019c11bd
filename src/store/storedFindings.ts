/**
 * The residual-access analysis stored in each snapshot at load time (every departed subject at
 * the collection time): the findings, one row each with its stable id, and the rest of the
 * findings document (coverage, subjects, persons). Diffs, history, reports and the HTTP API read
 * it instead of recomputing, so every consumer sees the same answer for the same snapshot.
 *
 * Beside it, the analysis units (queries/residualUnits.ts): per unit what it read (node numbers,
 * scanned kinds), when time alone can change it, its sources, subjects and person — and the
 * reverse index from a node to the units that read it. A delta snapshot stores the analysis as a
 * change: the re-analysed units' subjects, persons and findings (a null row: gone), the findings
 * that went, and the units' new reads; reading it folds the change over its base's document.
 */
import type Database from 'better-sqlite3';
import { nodeKey } from '../model/ids.js';
import type { Finding, FindingsDoc, PersonReport, SubjectReport } from '../../queries/residual.js';
import { findingsOrderByAccount } from '../analysis/findingsOrder.js';
import { SOURCES } from '../../ingest/sources.js';
import { ERR, StoreError } from '../model/errors.js';
import { cached, prime, publishedFileKey } from './fileCache.js';
import type { SnapshotDb } from './SnapshotDb.js';
import { VERSION } from '../model/version.js';

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
  doc TEXT NOT NULL,
  pre TEXT
);
CREATE TABLE IF NOT EXISTS units (key TEXT PRIMARY KEY, next REAL, kinds TEXT NOT NULL, sources TEXT NOT NULL, subjects TEXT NOT NULL, person TEXT, deps BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS unit_deps (dep INTEGER NOT NULL, unit TEXT NOT NULL);
`;

export const CREATE_DELTA_FINDINGS_TABLES = `
CREATE TABLE IF NOT EXISTS findings_gone (id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS doc_subjects (key TEXT PRIMARY KEY, report TEXT);
CREATE TABLE IF NOT EXISTS doc_persons (id TEXT PRIMARY KEY, report TEXT);
CREATE TABLE IF NOT EXISTS units_gone (key TEXT PRIMARY KEY);
`;

/** One analysed unit as stored (its findings are in `findings`, its subjects and person in the document). */
export interface StoredUnit {
  key: string;
  next: number | null;
  kinds: string[];
  sources: string[];
  /** Account keys of its subjects. */
  subjects: string[];
  /** Its person's id. */
  person: string | null;
  /** What it read: dependency codes (queries/residualUnits.ts: a node's row, or its edges of a kind in a direction). */
  deps: Float64Array;
}

const insFinding = (db: Database.Database) =>
  db.prepare(
    'INSERT OR REPLACE INTO findings(id, ord, rule, status, severity, subject_source, subject_id, via_id, valid_until, doc, pre) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );

/**
 * Write a findings document into an open (writable) snapshot database. `pre` gives each finding's
 * unit order key; `rules` the rule ids in the order the document lists them (a later delta's
 * findings are merged in by it: patchDoc).
 */
export function writeStoredFindings(db: Database.Database, doc: FindingsDoc, rules: readonly string[], pre?: ReadonlyMap<string, string>): void {
  db.exec(CREATE_FINDINGS_TABLES);
  const ins = insFinding(db);
  const { findings, ...rest } = doc;
  db.transaction(() => {
    db.prepare('INSERT OR REPLACE INTO analysis(key, value) VALUES (?, ?)').run('doc', JSON.stringify(rest));
    db.prepare('INSERT OR REPLACE INTO analysis(key, value) VALUES (?, ?)').run('ruleOrder', JSON.stringify(rules));
    findings.forEach((f, i) => ins.run(f.id, i, f.rule, f.status, f.severity, f.subject.source, f.subject.id, f.via.id, f.validUntil, JSON.stringify(f), pre?.get(f.id) ?? null));
  })();
  db.exec('CREATE INDEX IF NOT EXISTS findings_subject ON findings(subject_source, subject_id)');
}

/** The coverage the stored document of a snapshot states. */
export function readStoredCoverage(sdb: SnapshotDb): FindingsDoc['coverage'] {
  if (!hasStoredFindings(sdb.db)) throw new StoreError(`snapshot ${sdb.id} has no stored analysis (it was written by an older revenant: load the collection again)`, ERR.SNAPSHOT_UNREADABLE);
  return (JSON.parse((sdb.db.prepare("SELECT value FROM analysis WHERE key = 'doc'").get() as { value: string }).value) as FindingsDoc).coverage;
}

/** Store analysis units and the reverse index of what they read. */
export function writeUnits(db: Database.Database, units: Iterable<StoredUnit>): void {
  db.exec(CREATE_FINDINGS_TABLES);
  const ins = db.prepare('INSERT OR REPLACE INTO units(key, next, kinds, sources, subjects, person, deps) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const dep = db.prepare('INSERT INTO unit_deps(dep, unit) VALUES (?, ?)');
  db.transaction(() => {
    for (const u of units) {
      ins.run(u.key, u.next, u.kinds.join(','), u.sources.join(','), JSON.stringify(u.subjects), u.person, Buffer.from(u.deps.buffer, u.deps.byteOffset, u.deps.byteLength));
      for (const n of u.deps) dep.run(n, u.key);
    }
  })();
  db.exec('CREATE INDEX IF NOT EXISTS unit_deps_dep ON unit_deps(dep)');
}

/**
 * Store a delta's analysis: the document's head (format, at, snapshot, coverage), the subjects,
 * persons and findings of the re-analysed units (null: gone), the findings that went, and the
 * rule ids in the order its documents list them.
 */
export function writeDeltaFindings(
  db: Database.Database,
  head: Omit<FindingsDoc, 'findings' | 'subjects' | 'persons'>,
  rules: readonly string[],
  change: {
    subjects: Map<string, SubjectReport | null>;
    persons: Map<string, PersonReport | null>;
    findings: { pre: string; finding: Finding }[];
    gone: string[];
    unitsGone: string[];
  },
): void {
  db.exec(CREATE_FINDINGS_TABLES);
  db.exec(CREATE_DELTA_FINDINGS_TABLES);
  const ins = insFinding(db);
  db.transaction(() => {
    db.prepare('INSERT OR REPLACE INTO analysis(key, value) VALUES (?, ?)').run('doc', JSON.stringify({ ...head, delta: true }));
    db.prepare('INSERT OR REPLACE INTO analysis(key, value) VALUES (?, ?)').run('ruleOrder', JSON.stringify(rules));
    change.findings.forEach(({ pre, finding: f }, i) =>
      ins.run(f.id, i, f.rule, f.status, f.severity, f.subject.source, f.subject.id, f.via.id, f.validUntil, JSON.stringify(f), pre),
    );
    const gone = db.prepare('INSERT OR REPLACE INTO findings_gone(id) VALUES (?)');
    for (const id of change.gone) gone.run(id);
    const subj = db.prepare('INSERT OR REPLACE INTO doc_subjects(key, report) VALUES (?, ?)');
    for (const [k, r] of change.subjects) subj.run(k, r ? JSON.stringify(r) : null);
    const pers = db.prepare('INSERT OR REPLACE INTO doc_persons(id, report) VALUES (?, ?)');
    for (const [k, r] of change.persons) pers.run(k, r ? JSON.stringify(r) : null);
    const ug = db.prepare('INSERT OR REPLACE INTO units_gone(key) VALUES (?)');
    for (const k of change.unitsGone) ug.run(k);
  })();
  db.exec('CREATE INDEX IF NOT EXISTS findings_subject ON findings(subject_source, subject_id)');
}

export function hasStoredFindings(db: Database.Database): boolean {
  return !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'findings'").get();
}

export function hasTable(db: Database.Database, name: string): boolean {
  return !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name);
}

/** The account key a subject report is about. */
export function subjectKeyOf(s: Pick<SubjectReport, 'source' | 'sourceKey' | 'id'>): string {
  // The id space of the source's account kind (SourceDefinition.idSpaces): a subject is one of its accounts.
  const kind = SOURCES.get(s.source)?.accounts[0]?.kind;
  const space = kind === undefined ? undefined : SOURCES.idSpace(kind);
  if (space === undefined) throw new StoreError(`stored findings: a subject of source ${JSON.stringify(s.source)}, which registers no account id space`, ERR.SNAPSHOT_UNREADABLE);
  return nodeKey(s.sourceKey, space, s.id);
}

/** The rule order a snapshot's stored analysis lists its findings in (a delta's own, else its base's). */
export function readRuleOrder(sdb: SnapshotDb): string[] {
  const row = sdb.db.prepare("SELECT value FROM analysis WHERE key = 'ruleOrder'").get() as { value: string } | undefined;
  if (row) return JSON.parse(row.value) as string[];
  if (sdb.overlay) return readRuleOrder(sdb.overlay.parent);
  throw new StoreError(`snapshot ${sdb.id} has no stored rule order (it was written by an older revenant: load the collection again)`, ERR.SNAPSHOT_UNREADABLE);
}

/** The stored `residual --all` document of a snapshot (a delta's: its change laid over its base's document). */
export function readStoredFindings(sdb: SnapshotDb): FindingsDoc {
  const db = sdb.db;
  if (!hasStoredFindings(db)) throw new StoreError(`snapshot ${sdb.id} has no stored analysis (it was written by an older revenant: load the collection again)`, ERR.SNAPSHOT_UNREADABLE);
  if (!sdb.overlay) {
    const rest = JSON.parse((db.prepare("SELECT value FROM analysis WHERE key = 'doc'").get() as { value: string }).value) as Omit<FindingsDoc, 'findings'>;
    // Row by row: at a million users the rows and their parsed findings are not both held at once.
    const findings: Finding[] = [];
    for (const r of db.prepare('SELECT doc FROM findings ORDER BY ord').iterate() as IterableIterator<{ doc: string }>) findings.push(JSON.parse(r.doc) as Finding);
    return { ...rest, findings };
  }
  return patchDoc(readStoredFindings(sdb.overlay.parent), sdb);
}

/** What a delta snapshot's document changes over its base's document (patchDoc): enough to patch what was built on the base's. */
export interface DocChange {
  /** The base snapshot. */
  base: string;
  /** The findings the delta wrote (new, changed, or analysed again and the same), in document order. */
  findings: Finding[];
  /** Ids of the base document's findings that are not in this one. */
  gone: string[];
  /** Subject reports the delta wrote or removed (`report` null), by source and account id. */
  subjects: { source: string; id: string; report: SubjectReport | null }[];
}

/**
 * The document of a delta snapshot from its base's document (already read: the API keeps the
 * one it serves) and the delta's own change — without reading the base's findings again. The
 * findings of a document are in `sortFindings` order with ties (same severity, status, rule,
 * subject name and via) in subject account-key order, which is the order a tenant-wide sweep
 * gives; the base's stay in it, the new ones are merged in.
 */
export function patchDoc(base: FindingsDoc, delta: SnapshotDb): FindingsDoc {
  return patchDocChange(base, delta).doc;
}

/**
 * Per document: its subjects' account keys, in its order — null when they are not strictly
 * increasing (a patch then sorts its subjects again). A patched document's are known from its
 * base's, so a chain of patches computes them once.
 */
const subjectKeysOf = new WeakMap<FindingsDoc, readonly string[] | null>();

function sortedSubjectKeys(doc: FindingsDoc): readonly string[] | null {
  let keys = subjectKeysOf.get(doc);
  if (keys === undefined) {
    const ks = doc.subjects.map(subjectKeyOf);
    let sorted = true;
    for (let i = 1; i < ks.length && sorted; i++) sorted = ks[i - 1] < ks[i];
    keys = sorted ? ks : null;
    subjectKeysOf.set(doc, keys);
  }
  return keys;
}

/** Documents whose persons are in id order (`localeCompare`, as the analysis sorts them): checked once per document read, known for a patched one. */
const personsInOrder = new WeakMap<FindingsDoc, boolean>();
const byPersonId = (x: string, y: string) => x.localeCompare(y);

function personsSorted(doc: FindingsDoc): boolean {
  let ok = personsInOrder.get(doc);
  if (ok === undefined) {
    ok = true;
    for (let i = 1; i < doc.persons.length && ok; i++) ok = byPersonId(doc.persons[i - 1].id, doc.persons[i].id) <= 0;
    personsInOrder.set(doc, ok);
  }
  return ok;
}

/**
 * Work out once what patching a delta's document over `doc` looks up (its subjects' sorted keys,
 * whether its persons are in order: a pass over every subject and person), so that a caller that
 * will patch over `doc` (the server, when it starts serving it) does it ahead, not in the first patch.
 */
export function primeDocOrder(doc: FindingsDoc): void {
  sortedSubjectKeys(doc);
  personsSorted(doc);
}

/** The first index of `keys` (strictly increasing) not below `key`. */
function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * mergeSorted, for a few `b` into a long `a`: each of `b` goes before the first of `a` (from
 * where the one before went) that sorts after it — found by bisection, so only O(|b| log |a|)
 * comparisons (the same places as the pass of mergeSorted, `a` being sorted by `cmp`).
 */
export function mergeFew<T>(a: readonly T[], b: readonly T[], cmp: (x: T, y: T) => number): T[] {
  if (b.length * 32 > a.length) return mergeSorted(a, b, cmp);
  const out: T[] = [];
  let pos = 0;
  for (const x of b) {
    let lo = pos;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(a[mid], x) <= 0) lo = mid + 1;
      else hi = mid;
    }
    for (; pos < lo; pos++) out.push(a[pos]);
    out.push(x);
  }
  for (; pos < a.length; pos++) out.push(a[pos]);
  return out;
}

/**
 * patchDoc, with what changed (`change.base` is the delta's base snapshot id). What the delta
 * wrote is placed into copies of the base's lists by bisection (their subjects by account key,
 * persons by id, findings in document order): nothing of the rest is compared or re-keyed.
 */
export function patchDocChange(base: FindingsDoc, delta: SnapshotDb): { doc: FindingsDoc; change: DocChange } {
  const db = delta.db;
  const head = JSON.parse((db.prepare("SELECT value FROM analysis WHERE key = 'doc'").get() as { value: string }).value) as FindingsDoc & { delta?: boolean };
  const subjectRows = db.prepare('SELECT key, report FROM doc_subjects').all() as { key: string; report: string | null }[];
  const subjectChanges: DocChange['subjects'] = [];
  let keys: string[];
  let subjectList: SubjectReport[];
  const baseKeys = sortedSubjectKeys(base);
  if (baseKeys) {
    keys = baseKeys.slice();
    subjectList = base.subjects.slice();
    for (const r of subjectRows) {
      const i = lowerBound(keys, r.key);
      const found = i < keys.length && keys[i] === r.key;
      if (r.report === null) {
        if (!found) continue;
        const was = subjectList[i];
        subjectChanges.push({ source: was.source, id: was.id, report: null });
        keys.splice(i, 1);
        subjectList.splice(i, 1);
      } else {
        const report = JSON.parse(r.report) as SubjectReport;
        if (found) subjectList[i] = report;
        else {
          keys.splice(i, 0, r.key);
          subjectList.splice(i, 0, report);
        }
        subjectChanges.push({ source: report.source, id: report.id, report });
      }
    }
  } else {
    const subjects = new Map(base.subjects.map((x) => [subjectKeyOf(x), x]));
    for (const r of subjectRows) {
      if (r.report === null) {
        const was = subjects.get(r.key);
        if (was) subjectChanges.push({ source: was.source, id: was.id, report: null });
        subjects.delete(r.key);
      } else {
        const report = JSON.parse(r.report) as SubjectReport;
        subjects.set(r.key, report);
        subjectChanges.push({ source: report.source, id: report.id, report });
      }
    }
    const entries = [...subjects.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    keys = entries.map((e) => e[0]);
    subjectList = entries.map((e) => e[1]);
  }
  const personRows = db.prepare('SELECT id, report FROM doc_persons').all() as { id: string; report: string | null }[];
  let personList: PersonReport[];
  if (personRows.length === 0) {
    // The base's persons are in this order already.
    personList = base.persons.slice();
  } else if (personsSorted(base)) {
    personList = base.persons.slice();
    for (const r of personRows) {
      // Among those that sort equal to it: the same id replaced (or removed) in place; a new one after them, as a stable sort puts it.
      let lo = 0;
      let hi = personList.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (byPersonId(personList[mid].id, r.id) < 0) lo = mid + 1;
        else hi = mid;
      }
      let at = -1;
      let end = lo;
      for (; end < personList.length && byPersonId(personList[end].id, r.id) === 0; end++) if (personList[end].id === r.id) at = end;
      if (r.report === null) {
        if (at >= 0) personList.splice(at, 1);
      } else {
        const p = JSON.parse(r.report) as PersonReport;
        if (at >= 0) personList[at] = p;
        else personList.splice(end, 0, p);
      }
    }
  } else {
    const persons = new Map(base.persons.map((p) => [p.id, p]));
    for (const r of personRows) {
      if (r.report === null) persons.delete(r.id);
      else persons.set(r.id, JSON.parse(r.report) as PersonReport);
    }
    personList = [...persons.values()].sort((x, y) => byPersonId(x.id, y.id));
  }
  const added = (db.prepare('SELECT doc FROM findings').all() as { doc: string }[]).map((r) => JSON.parse(r.doc) as Finding);
  const drop = new Set((db.prepare('SELECT id FROM findings_gone').all() as { id: string }[]).map((r) => r.id));
  for (const f of added) drop.add(f.id);
  // Ties are broken by the subject's account key: the map from account to key is built on the first tie.
  let accountKey: Map<string, string> | undefined;
  const keyOf = (f: Finding) => {
    accountKey ??= new Map(subjectList.map((x, i) => [`${x.source}\u0000${x.id}`, keys[i]]));
    return accountKey.get(`${f.subject.source}\u0000${f.subject.id}`) ?? '';
  };
  const cmp = findingsOrderByAccount(readRuleOrder(delta), keyOf);
  // The base's findings the delta drops or rewrites, in base document order.
  const dropped: string[] = [];
  const kept = base.findings.filter((f) => {
    if (!drop.has(f.id)) return true;
    dropped.push(f.id);
    return false;
  });
  const findings = mergeFew(kept, added.sort(cmp), cmp);
  const { delta: _d, subjects: _s, persons: _p, findings: _f, ...rest } = head;
  const addedIds = new Set(added.map((f) => f.id));
  const gone = dropped.filter((id) => !addedIds.has(id));
  const doc: FindingsDoc = { ...rest, subjects: subjectList, persons: personList, findings };
  subjectKeysOf.set(doc, keys);
  if (personsInOrder.get(base) || personRows.length > 0) personsInOrder.set(doc, true);
  return {
    doc,
    change: { base: delta.meta.get('base') ?? '', findings: added, gone, subjects: subjectChanges },
  };
}

/**
 * Just the finding ids (and statuses) of a snapshot: cheap, for history. A delta's are its base's
 * (`base`, when the caller has them, else read) with its change applied; their order is not the
 * document's.
 */
export function readStoredFindingIds(sdb: SnapshotDb, base?: ReadonlyMap<string, string>): { id: string; status: string }[] {
  if (!hasStoredFindings(sdb.db)) return [];
  if (!sdb.overlay) return sdb.db.prepare('SELECT id, status FROM findings ORDER BY ord').all() as { id: string; status: string }[];
  const out = new Map(base ?? readStoredFindingIds(sdb.overlay.parent).map((f) => [f.id, f.status] as const));
  for (const r of sdb.db.prepare('SELECT id FROM findings_gone').all() as { id: string }[]) out.delete(r.id);
  for (const r of sdb.db.prepare('SELECT id, status FROM findings').all() as { id: string; status: string }[]) out.set(r.id, r.status);
  return [...out].map(([id, status]) => ({ id, status }));
}

/** The analysis units of a snapshot (a delta's over its base's), by key. */
export function readUnits(sdb: SnapshotDb): Map<string, StoredUnit> {
  // A full snapshot's units are parsed once per process (each refresh on it reads them); callers get their own map.
  if (!sdb.overlay) {
    const fileKey = publishedFileKey(sdb.db);
    const units = cached(fileKey === null ? null : unitsCacheKey(fileKey), () => {
      const value = readFullUnits(sdb);
      return { value, bytes: unitsBytes(value) };
    });
    return new Map(units);
  }
  return readOwnUnits(sdb, readUnits(sdb.overlay.parent));
}

const unitsCacheKey = (fileKey: string) => `${fileKey}\u0000units`;

/** What the process cache counts for a unit: its dependencies' bytes and this. */
const UNIT_BYTES = 256;

function unitsBytes(units: Map<string, StoredUnit>): number {
  let bytes = 0;
  for (const u of units.values()) bytes += u.deps.byteLength + UNIT_BYTES;
  return bytes;
}

/** unitsBytes of a full snapshot file's units, from the file, before reading them (a warm-up sizes what it reads). */
export function storedUnitsBytes(db: Database.Database): number {
  const r = db.prepare('SELECT count(*) AS n, coalesce(sum(length(deps)), 0) AS b FROM units').get() as { n: number; b: number };
  return r.b + UNIT_BYTES * r.n;
}

/** The units of a full snapshot's file, read without the process cache (a warm-up's worker thread reads them). */
export function readFullUnits(sdb: SnapshotDb): Map<string, StoredUnit> {
  if (sdb.overlay) throw new Error('readFullUnits: a delta snapshot\'s units stand on its base\'s');
  return readOwnUnits(sdb, new Map<string, StoredUnit>());
}

/** Put a full snapshot's units, read elsewhere (readFullUnits), in the process cache that readUnits reads (`fileKey`: publishedFileKey of its file). */
export function primeUnits(fileKey: string, units: Map<string, StoredUnit>): void {
  prime(unitsCacheKey(fileKey), units, unitsBytes(units));
}

/** A snapshot file's own units over those below it (`below`, changed in place). */
function readOwnUnits(sdb: SnapshotDb, below: Map<string, StoredUnit>): Map<string, StoredUnit> {
  const db = sdb.db;
  if (hasTable(db, 'units_gone')) for (const r of db.prepare('SELECT key FROM units_gone').all() as { key: string }[]) below.delete(r.key);
  if (hasTable(db, 'units')) {
    for (const r of db.prepare('SELECT key, next, kinds, sources, subjects, person, deps FROM units').all() as {
      key: string;
      next: number | null;
      kinds: string;
      sources: string;
      subjects: string;
      person: string | null;
      deps: Buffer;
    }[]) {
      below.set(r.key, {
        key: r.key,
        next: r.next,
        kinds: r.kinds ? r.kinds.split(',') : [],
        sources: r.sources ? r.sources.split(',') : [],
        subjects: JSON.parse(r.subjects) as string[],
        person: r.person,
        deps: new Float64Array(r.deps.buffer.slice(r.deps.byteOffset, r.deps.byteOffset + r.deps.byteLength)),
      });
    }
  }
  return below;
}

/**
 * Store the earliest instant after the snapshot's time at which time alone can make an account
 * that is not departed departed (null: never): a later delta that passes it sweeps every account.
 */
export function writePending(db: Database.Database, pending: number | null): void {
  db.prepare('INSERT OR REPLACE INTO analysis(key, value) VALUES (?, ?)').run('pending', JSON.stringify(pending));
  db.prepare('INSERT OR REPLACE INTO analysis(key, value) VALUES (?, ?)').run('revenant', JSON.stringify(VERSION));
}

/** Copy the analysis rows `keys` of one snapshot file into another, as stored (compaction). */
export function copyAnalysisKeys(from: Database.Database, to: Database.Database, keys: readonly string[]): void {
  if (!hasTable(from, 'analysis')) return;
  const get = from.prepare('SELECT value FROM analysis WHERE key = ?');
  const put = to.prepare('INSERT OR REPLACE INTO analysis(key, value) VALUES (?, ?)');
  for (const k of keys) {
    const r = get.get(k) as { value: string } | undefined;
    if (r) put.run(k, r.value);
  }
}

/**
 * Whether this snapshot file's stored analysis was written by this version of revenant (stored
 * beside `pending`): another version's rules may give other findings, so its document is not
 * served in place of an analysis now.
 */
export function writtenByThisVersion(sdb: SnapshotDb): boolean {
  if (!hasStoredFindings(sdb.db)) return false;
  const row = sdb.db.prepare("SELECT value FROM analysis WHERE key = 'revenant'").get() as { value: string } | undefined;
  return row !== undefined && JSON.parse(row.value) === VERSION;
}

/** What writePending stored in this snapshot file; undefined when it stores none (an older revenant wrote it). */
export function readPending(sdb: SnapshotDb): number | null | undefined {
  return readPendingOf(sdb.db);
}

/** readPending of one snapshot file, opened by itself (without its chain). */
export function readPendingOf(db: Database.Database): number | null | undefined {
  if (!hasStoredFindings(db)) return undefined;
  const row = db.prepare("SELECT value FROM analysis WHERE key = 'pending'").get() as { value: string } | undefined;
  return row ? (JSON.parse(row.value) as number | null) : undefined;
}

/**
 * Per unit key (a person, or an account without one), the earliest instant after the snapshot's
 * time at which time alone can make one of its accounts that is not departed departed
 * (UnitAnalyser.sweep's `instants`; `pending` is their minimum): a later delta past an instant
 * analyses that unit again instead of sweeping every account. A full snapshot stores the units
 * with an instant; a delta stores the units it analysed again (NULL: none any more) over its
 * base's. A snapshot whose full snapshot stores none (an older revenant wrote it) has none.
 */
const CREATE_PENDING_UNITS = `
CREATE TABLE IF NOT EXISTS pending_units (key TEXT PRIMARY KEY, at REAL);
CREATE INDEX IF NOT EXISTS pending_units_at ON pending_units(at);
`;

/** Store units' instants (see CREATE_PENDING_UNITS) in an open (writable) snapshot database: a delta's replace its base's. */
export function writePendingUnits(db: Database.Database, instants: Iterable<readonly [string, number | null]>): void {
  db.exec(CREATE_PENDING_UNITS);
  const ins = db.prepare('INSERT OR REPLACE INTO pending_units(key, at) VALUES (?, ?)');
  db.transaction(() => {
    for (const [k, t] of instants) ins.run(k, t);
  })();
}

/** Whether a snapshot stores its units' instants (its full snapshot, the bottom of its chain, does). */
export function hasPendingUnits(sdb: SnapshotDb): boolean {
  for (let s: SnapshotDb | undefined = sdb; s; s = s.overlay?.parent) if (!s.overlay) return hasTable(s.db, 'pending_units');
  return false;
}

/** The levels of a snapshot's chain, top first, each with the unit keys its pending_units lists. */
function pendingLevels(sdb: SnapshotDb): { db: Database.Database; own: () => Set<string> }[] {
  const out: { db: Database.Database; own: () => Set<string> }[] = [];
  for (let s: SnapshotDb | undefined = sdb; s; s = s.overlay?.parent) {
    const db = s.db;
    if (!hasTable(db, 'pending_units')) continue;
    let keys: Set<string> | undefined;
    out.push({ db, own: () => (keys ??= new Set((db.prepare('SELECT key FROM pending_units').all() as { key: string }[]).map((r) => r.key))) });
  }
  return out;
}

/** Unit keys whose stored instant (a delta's over its base's) is at or before `t` (hasPendingUnits first). */
export function duePendingUnits(sdb: SnapshotDb, t: number): string[] {
  return [...duePendingInstants(sdb, t).keys()];
}

/** duePendingUnits with each unit's stored instant. */
export function duePendingInstants(sdb: SnapshotDb, t: number): Map<string, number> {
  const levels = pendingLevels(sdb);
  const out = new Map<string, number>();
  const decided = new Set<string>();
  levels.forEach((l, i) => {
    for (const r of l.db.prepare('SELECT key, at FROM pending_units WHERE at <= ?').all(t) as { key: string; at: number }[]) if (!decided.has(r.key)) out.set(r.key, r.at);
    // A level's keys decide over the levels below (only a delta's: the bottom's are not read).
    if (i < levels.length - 1) for (const k of l.own()) decided.add(k);
  });
  return out;
}

/** The earliest stored instant of a snapshot's units (a delta's over its base's), but those of `over` (null: none). */
export function minPendingUnits(sdb: SnapshotDb, over: ReadonlySet<string>): number | null {
  const levels = pendingLevels(sdb);
  let best: number | null = null;
  const decided = new Set<string>(over);
  levels.forEach((l, i) => {
    for (const r of l.db.prepare('SELECT key, at FROM pending_units WHERE at IS NOT NULL ORDER BY at').iterate() as Iterable<{ key: string; at: number }>) {
      if (decided.has(r.key)) continue;
      if (best === null || r.at < best) best = r.at;
      break;
    }
    if (i < levels.length - 1) for (const k of l.own()) decided.add(k);
  });
  return best;
}

/**
 * Every unit's stored instant as the snapshot reads it (a delta's rows over its base's; units a
 * delta says have none any more are left out), for compaction; undefined when it stores none.
 */
export function readPendingUnits(sdb: SnapshotDb): Map<string, number> | undefined {
  if (!hasPendingUnits(sdb)) return undefined;
  const out = new Map<string, number>();
  const decided = new Set<string>();
  for (const l of pendingLevels(sdb)) {
    for (const r of l.db.prepare('SELECT key, at FROM pending_units').iterate() as Iterable<{ key: string; at: number | null }>) {
      if (decided.has(r.key)) continue;
      decided.add(r.key);
      if (r.at !== null) out.set(r.key, r.at);
    }
  }
  return out;
}

/** Whether a snapshot stores analysis units (written by a revenant that writes delta snapshots). */
export function hasUnits(sdb: SnapshotDb): boolean {
  for (let s: SnapshotDb | undefined = sdb; s; s = s.overlay?.parent) if (!s.overlay) return hasTable(s.db, 'units');
  return false;
}

/** Keys of the units that read any of the given dependencies (in this snapshot's current units). */
export function unitsReading(sdb: SnapshotDb, nids: Iterable<number>, current: ReadonlyMap<string, StoredUnit>): Set<string> {
  const out = new Set<string>();
  const list = [...nids];
  const decided = new Set<string>();
  for (let s: SnapshotDb | undefined = sdb; s; s = s.overlay?.parent) {
    if (hasTable(s.db, 'unit_deps')) {
      const q = s.db.prepare('SELECT unit FROM unit_deps WHERE dep = ?');
      for (const n of list) {
        for (const r of q.all(n) as { unit: string }[]) if (!decided.has(r.unit) && current.has(r.unit)) out.add(r.unit);
      }
      // Units (re)analysed at this level are decided here: what they read below no longer counts.
      for (const r of s.db.prepare('SELECT key FROM units').all() as { key: string }[]) decided.add(r.key);
    }
    if (hasTable(s.db, 'units_gone')) for (const r of s.db.prepare('SELECT key FROM units_gone').all() as { key: string }[]) decided.add(r.key);
  }
  return out;
}

/** Two lists each sorted by `cmp`, merged into one sorted list (on ties, `a`'s element first). */
export function mergeSorted<T>(a: readonly T[], b: readonly T[], cmp: (x: T, y: T) => number): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && cmp(a[i], b[j]) <= 0)) out.push(a[i++]);
    else out.push(b[j++]);
  }
  return out;
}
