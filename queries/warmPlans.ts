/**
 * Warm Neo4j's plan cache for the hot queries: Neo4j plans a query the first time it sees its
 * text (and again when a load has changed the statistics enough), and the residual rules are
 * large queries — cold, one subject's ~20 queries take seconds to plan before the first answer.
 * `load --neo4j` calls this when its push is done and `serve --neo4j` when it starts, so the first
 * user query finds its plans ready: it runs the queries a user's first questions send — residual
 * access for named subjects (one stored finding's subject per rule, so every source's rules and
 * reach queries run), a blast radius of a subject whose finding reaches tier 0 and that subject's
 * person view — with their real texts and parameter types, which the plan cache is keyed on. Bounded: it stops waiting after `timeoutMs`, and it
 * never fails its caller (a warm-up is an optimisation; what went wrong is only reported).
 */
import type { Neo4jStore } from '../src/store/neo4jStore.js';
import { Neo4jLabel } from '../src/store/neo4jSchema.js';
import { Neo4jEngine } from './Neo4jEngine.js';

/** How long a warm-up may take before its caller goes on without it. */
export const WARM_TIMEOUT_MS = 60_000;

export interface WarmResult {
  /** `warm`: every query ran; `timeout`: stopped waiting; `empty`: no finding to warm with; `off`; `failed`. */
  status: 'warm' | 'timeout' | 'empty' | 'off' | 'failed';
  ms: number;
  queries: number;
  error?: string;
}

/** Whether warming is switched off (REVENANT_NEO4J_WARM=off). */
export function warmingOff(env: NodeJS.ProcessEnv = process.env): boolean {
  return ['off', '0', 'false', 'no'].includes((env.REVENANT_NEO4J_WARM ?? '').trim().toLowerCase());
}

async function warmQueries(store: Neo4jStore, id: string | undefined, count: { queries: number }): Promise<WarmResult['status']> {
  if (!id && !(await store.latestId())) return 'empty';
  const snap = await store.open(id);
  // One subject per rule and tier-0 flag: each source's rules, and the reach queries their hits
  // send, run only for that source's subjects (constant memory on the server: min per group).
  const rows = await store.q(
    `MATCH (f:${Neo4jLabel.finding} {snapshot: $id}) RETURN f.rule AS rule, f.tier0 AS tier0, min(f.subjectSource + ':' + f.subjectId) AS subject ORDER BY rule, tier0`,
    { id: snap.scope },
  );
  if (rows.length === 0) return 'empty';
  const subjects = [...new Set(rows.map((r) => String(r.subject)))];
  const principal = String((rows.find((r) => r.tier0 === true) ?? rows[0]).subject);
  const engine = new Neo4jEngine(snap);
  try {
    // One subject at a time: the plan cache keys a list parameter by its size too (bucketed), and
    // a user's first question is about one subject.
    for (const subject of subjects) await engine.whatIf({ subjects: [subject], at: Date.now() });
    // Then all together: the larger size buckets of the same queries (several subjects, a
    // subject with many privileges to resolve).
    if (subjects.length > 1) await engine.whatIf({ subjects, at: Date.now() });
    await engine.blastRadius(principal, {});
    await engine.person(principal);
  } finally {
    count.queries = snap.stats.queries;
  }
  return 'warm';
}

/**
 * Run the hot queries once on snapshot `id` (default: the latest) so their plans are cached.
 * Resolves within about `timeoutMs` whatever happens; never rejects.
 */
export async function warmNeo4jPlans(store: Neo4jStore, id?: string, timeoutMs = WARM_TIMEOUT_MS): Promise<WarmResult> {
  const t0 = Date.now();
  if (warmingOff()) return { status: 'off', ms: 0, queries: 0 };
  const count = { queries: 0 };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
    timer.unref();
  });
  try {
    const work = warmQueries(store, id, count);
    // After a timeout the queries may still end (or fail, e.g. when the driver closes): never unhandled.
    work.catch(() => undefined);
    const status = await Promise.race([work, timeout]);
    return { status, ms: Date.now() - t0, queries: count.queries };
  } catch (e) {
    return { status: 'failed', ms: Date.now() - t0, queries: count.queries, error: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}

/** One line for the log: what the warm-up did. */
export function warmMessage(r: WarmResult): string {
  const s = (r.ms / 1000).toFixed(1);
  switch (r.status) {
    case 'warm':
      return `Neo4j query plans warm in ${s} s (${r.queries} queries)`;
    case 'timeout':
      return `stopped warming Neo4j query plans after ${s} s (the first queries may be slower)`;
    case 'empty':
      return 'no snapshot or stored finding to warm Neo4j query plans with yet';
    case 'off':
      return 'Neo4j query plans not warmed (REVENANT_NEO4J_WARM=off)';
    case 'failed':
      return `warming Neo4j query plans failed after ${s} s: ${r.error ?? 'unknown error'} (the first queries may be slower)`;
  }
}
