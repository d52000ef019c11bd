/**
 * When an active Azure role assignment ends (sources-azure.md; issue 16): its PIM role assignment
 * schedule instances (`SCHEDULED_BY`, joined at load by ingest/azure/derive.ts). An assignment
 * with no instance is not PIM-managed (permanent); one with an instance without an end is
 * permanent; else it ends with its latest instance. The instances are trusted only when the
 * folder read `roleAssignmentScheduleInstances` in full: with the list partial or missing an
 * assignment is counted as active (never a false "no access"; coverage lists the dataset with its
 * reason). One definition for every reader, in both engines: the azure rules, the Azure reach
 * (`entraObject`'s Azure roles) and the privilege graph of blast radius and paths.
 */
import { AzureEdge, AzureKind, azureProps } from './azureSchema.js';
import type { ReachContext } from './reachContext.js';
import type { CypherHelpers, GraphView } from './source.js';
import { instant } from './time.js';
import type { GraphNode } from './types.js';

/** The dataset the ends are read from. */
export const SCHEDULES_DATASET = 'roleAssignmentScheduleInstances';

/**
 * When an active assignment ends, from its schedule instances' ends (null: an instance with no
 * end): null when it has none (not PIM-managed) or one is permanent, else the latest end.
 */
export function assignmentEnd(ends: readonly (number | null)[]): number | null {
  return ends.length === 0 || ends.some((x) => x === null) ? null : Math.max(...(ends as number[]));
}

/** When the assignment `n` ends through its schedule instances (null: no known end, or the instances were not read in full). */
export function scheduledEnd(g: GraphView, n: GraphNode, ctx: ReachContext): number | null {
  if (!ctx.complete(n.sourceKey, SCHEDULES_DATASET)) return null;
  return assignmentEnd(
    g
      .out(n.key, AzureEdge.SCHEDULED_BY)
      .map((e) => g.node(e.to))
      .filter((x): x is GraphNode => !!x)
      .map((x) => instant(azureProps(x, 'AzureRoleAssignmentInstance').endDateTime)),
  );
}

/** Whether the assignment `n` is active at `ctx.at` (not ended through its schedule instances). */
export function assignmentActive(g: GraphView, n: GraphNode, ctx: ReachContext): boolean {
  const end = scheduledEnd(g, n, ctx);
  return end === null || end > ctx.at;
}

/** Cypher: the instances' ends are trusted for the assignment `x` (its folder read them in full; reads `$complete`). */
const trusted = (x: string): string => `(${x}.source + '|${SCHEDULES_DATASET}') IN $complete`;

/** Cypher: `assignmentActive` for the assignment bound to `x` (reads `$at` and `$complete`). */
export function assignmentActiveCypher(x: string, h: Pick<CypherHelpers, 'rel'>): string {
  const R = h.rel(AzureEdge.SCHEDULED_BY);
  return `(NOT ${trusted(x)} OR NOT EXISTS { MATCH (${x})-[:${R}]->() } OR EXISTS { MATCH (${x})-[:${R}]->(si) WHERE si.endDateTimeMs IS NULL OR si.endDateTimeMs > $at })`;
}

/** Cypher: the ends `scheduledEnd` reads for the assignment bound to `x` (-1: no end; null: not trusted), for `rowScheduledEnd`. */
export function scheduleEndsCypher(x: string, h: Pick<CypherHelpers, 'rel' | 'label'>): string {
  return `CASE WHEN ${trusted(x)} THEN COLLECT { MATCH (${x})-[:${h.rel(AzureEdge.SCHEDULED_BY)}]->(si:${h.label(AzureKind.AzureRoleAssignmentInstance)}) RETURN coalesce(si.endDateTimeMs, -1) } ELSE null END`;
}

/** `scheduledEnd` from what `scheduleEndsCypher` returned. */
export function rowScheduledEnd(ends: unknown): number | null {
  if (!Array.isArray(ends)) return null;
  return assignmentEnd(ends.map((x) => (x === -1 ? null : Number(x))));
}
