/**
 * One analysis run's context: the graph, the analysis time `at`, the accounts a what-if assumes
 * departed, and memoised account states — plus the small helpers rules share (path steps,
 * person correlation links between two accounts).
 */
import { EdgeKind } from '../model/schema.js';
import { SOURCES } from '../model/source.js';
import type { GraphEdge, GraphNode } from '../model/types.js';
import type { GraphReader } from '../store/GraphReader.js';
import { type AccountState, accountState } from './accounts.js';
import { nodeName, sourceOfKey } from '../model/props.js';
import { type ReachContext, reachContext } from '../model/reachContext.js';

export type NodeStep = { kind: string; id: string; name: string; source: string };

export class Analysis {
  private readonly states = new Map<string, AccountState | null>();
  private context: ReachContext | null = null;

  constructor(
    readonly g: GraphReader,
    readonly at: number,
    readonly assumed: ReadonlySet<string> = new Set(),
  ) {}

  /** The state of an account (a registered account kind) at `at`, memoised; undefined for other nodes. */
  state(key: string): AccountState | undefined {
    const hit = this.states.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const n = this.g.node(key);
    const s = n ? accountState(this.g, n, this.at, this.assumed.has(key), this.assumed) : undefined;
    this.states.set(key, s ?? null);
    return s;
  }

  /** What reach reads besides the graph: `at` and the sources' complete datasets. */
  get ctx(): ReachContext {
    return (this.context ??= reachContext(this.g.sources, this.at));
  }

  node(key: string): GraphNode | undefined {
    return this.g.node(key);
  }

  /** A node as a path step. */
  step(n: GraphNode): NodeStep {
    return { kind: n.kind, id: n.id, name: nodeName(n), source: sourceOfKey(n.sourceKey) };
  }

  /** The other accounts of the person `key` belongs to (of kinds the cross-source rules read: not GitHub accounts, which have their own rules). */
  otherAccounts(key: string): GraphNode[] {
    const out: GraphNode[] = [];
    for (const b of this.g.out(key, EdgeKind.BELONGS_TO)) {
      for (const m of this.g.in(b.to, EdgeKind.BELONGS_TO)) {
        if (m.from === key) continue;
        const n = this.g.node(m.from);
        if (n && SOURCES.crossAccountKinds().includes(n.kind)) out.push(n);
      }
    }
    return out;
  }

  /**
   * The chain of correlation links from one record to another within a person (shortest, by
   * breadth-first search over SAME_PERSON edges in either direction).
   */
  correlationPath(from: string, to: string): { nodes: string[]; links: GraphEdge[] } | null {
    return shortestChain(from, to, (k) => [
      ...this.g.out(k, EdgeKind.SAME_PERSON).map((e) => [e.to, e] as [string, GraphEdge]),
      ...this.g.in(k, EdgeKind.SAME_PERSON).map((e) => [e.from, e] as [string, GraphEdge]),
    ]);
  }
}

/**
 * Breadth-first search from `from` to `to`, taking each node's neighbours in the order `next`
 * gives them: the first shortest chain, as nodes and the edges between them (null when `to` is
 * not reachable). Both engines draw correlation chains with it.
 */
export function shortestChain(from: string, to: string, next: (key: string) => [string, GraphEdge][]): { nodes: string[]; links: GraphEdge[] } | null {
  const prev = new Map<string, { node: string; edge: GraphEdge } | null>([[from, null]]);
  const queue = [from];
  while (queue.length) {
    const k = queue.shift()!;
    if (k === to) break;
    for (const [n, e] of next(k)) {
      if (prev.has(n)) continue;
      prev.set(n, { node: k, edge: e });
      queue.push(n);
    }
  }
  if (!prev.has(to)) return null;
  const nodes: string[] = [];
  const links: GraphEdge[] = [];
  for (let cur: string | undefined = to; cur !== undefined; ) {
    nodes.unshift(cur);
    const p = prev.get(cur);
    if (!p) break;
    links.unshift(p.edge);
    cur = p.node;
  }
  return { nodes, links };
}
