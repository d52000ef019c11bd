/**
 * Access paths on the Neo4j engine: FROM and TO are resolved and the privilege graph from FROM
 * expanded in Cypher (queries/cypher/accounts.ts, queries/cypher/privilegeGraph.ts); the shortest
 * paths are read off that graph by the embedded engine's own code (pathsIn), so both engines
 * return the same JSON.
 */
import type { Neo4jSnapshot } from '../src/store/neo4jGraph.js';
import { lookupGraph } from './cypher/accounts.js';
import { cypherPrivilegeGraph } from './cypher/privilegeGraph.js';
import { type PathsResult, pathsIn } from './paths.js';
import { resolveNode } from './principals.js';

export async function findPathsNeo4j(snap: Neo4jSnapshot, from: string, to: string, opts: { maxDepth?: number; limit?: number } = {}): Promise<PathsResult> {
  const special = ['tier0', 'tenant'].includes(to.trim().toLowerCase());
  const g = await lookupGraph(snap, special ? [from] : [from, to]);
  const start = resolveNode(g, from, 'from');
  const maxDepth = opts.maxDepth ?? 8;
  const { pg, facts } = await cypherPrivilegeGraph(snap, start, maxDepth, g);
  return pathsIn(facts, start, pg, to, { maxDepth, limit: opts.limit });
}
