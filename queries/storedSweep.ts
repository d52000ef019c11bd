/**
 * `residual --all` from the findings document a load stored (queries/loadSnapshot.ts), where that
 * is exactly what a tenant-wide sweep now would give, instead of sweeping again: at the
 * snapshot's own time, the stored document itself; later, while no account can have become
 * departed by time alone (before the stored `pending`), the stored document with the analysis
 * units whose next instant is passed analysed again at that time (queries/timeCatchUp.ts) and
 * patched in. Anything else — an earlier time, `pending` passed, a store without the stored
 * analysis, its `pending` or its units (written by an older revenant), or one written by another
 * version of revenant (whose rules may differ) — is `undefined`: the caller sweeps.
 */
import { findingsOrderByAccount } from '../src/analysis/findingsOrder.js';
import { LazyGraph } from '../src/store/LazyGraph.js';
import type { SnapshotDb } from '../src/store/SnapshotDb.js';
import { hasStoredFindings, hasUnits, mergeSorted, readPending, readRuleOrder, readStoredFindings, readUnits, subjectKeyOf, writtenByThisVersion } from '../src/store/storedFindings.js';
import type { Finding, FindingsDoc, PersonReport, SubjectReport } from './residual.js';
import { catchUpOn } from './timeCatchUp.js';

/**
 * The document of `residual --all` on snapshot `id` at `at` (ms; default: its collection time)
 * from what the load stored, or undefined when only a sweep gives it.
 */
export function storedSweep(sdb: SnapshotDb, id: string, at?: number): FindingsDoc | undefined {
  if (!hasStoredFindings(sdb.db)) return undefined;
  const pending = readPending(sdb);
  if (pending === undefined || !writtenByThisVersion(sdb)) return undefined;
  const baseAt = Date.parse(new LazyGraph(sdb, id).collectedAt);
  const t = at ?? baseAt;
  if (Number.isNaN(baseAt) || t < baseAt) return undefined;
  // An account that was not departed may be now: a person who was no unit may be one.
  if (pending !== null && pending <= t) return undefined;
  if (t === baseAt) return readStoredFindings(sdb);
  if (!hasUnits(sdb)) return undefined;
  const units = readUnits(sdb);
  const due = [...units.values()].filter((u) => u.next !== null && u.next <= t);
  const doc = readStoredFindings(sdb);
  const head = { ...doc, at: new Date(t).toISOString() };
  if (due.length === 0) return head;
  const caught = catchUpOn(sdb, id, t);

  // The due units' subjects, persons and findings as stored go; what they give now comes in.
  const subjects = new Map<string, SubjectReport>(doc.subjects.map((s) => [subjectKeyOf(s), s]));
  const persons = new Map<string, PersonReport>(doc.persons.map((p) => [p.id, p]));
  const goneSubjects = new Set<string>();
  const added: Finding[] = [];
  for (const old of due) {
    for (const s of old.subjects) {
      goneSubjects.add(s);
      subjects.delete(s);
    }
    if (old.person) persons.delete(old.person);
  }
  for (const old of due) {
    const u = caught.units.get(old.key)?.unit;
    if (!u) continue;
    for (const s of u.subjects) subjects.set(s.key, s.report);
    if (u.person) persons.set(u.person.id, u.person);
    for (const f of u.findings) added.push(f.finding);
  }
  // Findings in the document's order: sortFindings' order, ties in subject account-key order.
  const accountKey = new Map<string, string>();
  for (const s of doc.subjects) accountKey.set(`${s.source}\u0000${s.id}`, subjectKeyOf(s));
  const subjectList = [...subjects.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  for (const [k, s] of subjectList) accountKey.set(`${s.source}\u0000${s.id}`, k);
  const keyOf = (f: Finding) => accountKey.get(`${f.subject.source}\u0000${f.subject.id}`) ?? '';
  const cmp = findingsOrderByAccount(readRuleOrder(sdb), keyOf);
  const kept = doc.findings.filter((f) => !goneSubjects.has(keyOf(f)));
  return {
    ...head,
    subjects: subjectList.map((e) => e[1]),
    persons: [...persons.values()].sort((x, y) => x.id.localeCompare(y.id)),
    findings: mergeSorted(kept, added.sort(cmp), cmp),
  };
}
