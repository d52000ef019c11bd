/**
 * Picks, among every shortest chain of SAME_PERSON links Neo4j's `allShortestPaths` returned
 * between two records, the one the embedded engine's breadth-first search (Analysis.
 * correlationPath) finds: from each record, outgoing links first, then incoming ones, each in
 * snapshot order (`seq`). Every node a breadth-first search reaches on the way to the target at
 * the shortest distance lies on some shortest chain, and so does the node it was discovered from,
 * so the search restricted to the union of the shortest chains makes the same choices.
 */
import { shortestChain } from '../../src/analysis/Analysis.js';
import type { GraphEdge, GraphNode } from '../../src/model/types.js';

export interface Chain {
  nodes: GraphNode[];
  links: GraphEdge[];
}

/** `seqOf` gives each link's position in the snapshot (the order the embedded engine lists edges in). */
export function correlationChain(from: string, to: string, chains: Chain[], seqOf: (e: GraphEdge) => number): { nodes: string[]; links: GraphEdge[] } | null {
  if (chains.length === 0) return from === to ? { nodes: [from], links: [] } : null;
  const out = new Map<string, GraphEdge[]>();
  const inn = new Map<string, GraphEdge[]>();
  const seen = new Set<string>();
  for (const ch of chains) {
    for (const e of ch.links) {
      const k = `${e.from}\u0000${e.to}\u0000${seqOf(e)}`;
      if (seen.has(k)) continue;
      seen.add(k);
      (out.get(e.from) ?? out.set(e.from, []).get(e.from)!).push(e);
      (inn.get(e.to) ?? inn.set(e.to, []).get(e.to)!).push(e);
    }
  }
  for (const l of [...out.values(), ...inn.values()]) l.sort((x, y) => seqOf(x) - seqOf(y));
  return shortestChain(from, to, (k) => [
    ...(out.get(k) ?? []).map((e) => [e.to, e] as [string, GraphEdge]),
    ...(inn.get(k) ?? []).map((e) => [e.from, e] as [string, GraphEdge]),
  ]);
}
