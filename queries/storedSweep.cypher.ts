/**
 * `residual --all` on a Neo4j snapshot from the findings document the load stored with it (the
 * `:RevenantSnapshot`'s `analysis` and its `:RevenantFinding`s, written by the push or the
 * import), where that is exactly what a sweep now would give — queries/storedSweep.ts's rules,
 * from the facts the push copied onto the snapshot (src/store/neo4jSweepFacts.ts): at the
 * snapshot's own time, the stored document; later, while no account can have become departed by
 * time alone (before the stored `pending`) and no analysis unit's next instant is passed, the
 * stored document at that time. Anything else — an earlier time, `pending` or a unit's next
 * instant passed (the embedded engine analyses those units again; here the caller sweeps), a
 * snapshot without the stored analysis or those facts (pushed by an older revenant), one whose
 * analysis another version of revenant wrote, an ephemeral snapshot — is `undefined`: the caller sweeps.
 */
import type { Neo4jSnapshot } from '../src/store/neo4jGraph.js';
import { Neo4jLabel } from '../src/store/neo4jSchema.js';
import type { SweepFacts } from '../src/store/neo4jSweepFacts.js';
import { VERSION } from '../src/model/version.js';
import type { Finding, FindingsDoc } from './residual.js';

/** The document of `residual --all` on `snap` at `at` (ms; default: its collection time) from what the load stored, or undefined when only a sweep gives it. */
export async function storedSweepNeo4j(snap: Neo4jSnapshot, at?: number): Promise<FindingsDoc | undefined> {
  const id = snap.snapshotId;
  if (id === null) return undefined;
  const baseAt = Date.parse(snap.collectedAt);
  const t = at ?? baseAt;
  if (Number.isNaN(baseAt) || t < baseAt) return undefined;
  const [rec] = await snap.rows(`MATCH (s:${Neo4jLabel.snapshot} {id: $id}) RETURN s.analysis AS analysis, s.sweep AS sweep`, { id });
  if (typeof rec?.analysis !== 'string' || typeof rec.sweep !== 'string') return undefined;
  const facts = JSON.parse(rec.sweep) as SweepFacts;
  if (facts.pending === undefined || facts.revenant !== VERSION) return undefined;
  // An account that was not departed may be now.
  if (facts.pending !== null && facts.pending <= t) return undefined;
  if (t !== baseAt) {
    // No units stored, or one whose answer time alone has changed: only an analysis gives it.
    if (facts.next === undefined || (facts.next !== null && facts.next <= t)) return undefined;
  }
  const head = JSON.parse(rec.analysis) as Omit<FindingsDoc, 'findings'>;
  if (head.snapshot !== id) return undefined;
  const rows = await snap.rows(`MATCH (f:${Neo4jLabel.finding} {snapshot: $id}) RETURN f.doc AS doc ORDER BY f.ord`, { id });
  const doc: FindingsDoc = { ...head, findings: rows.map((r) => JSON.parse(String(r.doc)) as Finding) };
  return t === baseAt ? doc : { ...doc, at: new Date(t).toISOString() };
}
