/**
 * Blast radius on the Neo4j engine: the principal is resolved and the privilege graph expanded
 * in Cypher (queries/cypher/accounts.ts, queries/cypher/privilegeGraph.ts); the document is the
 * embedded engine's own summary of that graph (summariseBlastRadius), so both engines return the
 * same JSON.
 */
import type { Neo4jSnapshot } from '../src/store/neo4jGraph.js';
import { type BlastRadius, summariseBlastRadius } from './blast-radius.js';
import { lookupGraph } from './cypher/accounts.js';
import { cypherPrivilegeGraph } from './cypher/privilegeGraph.js';
import { resolveNode } from './principals.js';

export async function blastRadiusNeo4j(snap: Neo4jSnapshot, principal: string, opts: { maxDepth?: number; listLimit?: number } = {}): Promise<BlastRadius> {
  const g = await lookupGraph(snap, [principal]);
  const start = resolveNode(g, principal);
  const maxDepth = opts.maxDepth ?? 8;
  const { pg, facts } = await cypherPrivilegeGraph(snap, start, maxDepth, g);
  return summariseBlastRadius(facts, start, pg, maxDepth, opts.listLimit);
}
