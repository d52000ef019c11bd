/**
 * Reach: what the access a finding names can do — the privileges it confers and whether any of
 * them is tier 0. The core only merges and dispatches: what confers a privilege, and each named
 * reach a rule asks for (`entraObject`, `oktaUser`, …), is declared by its source
 * (SourceDefinition.privileges, ingest/<source>/privileges.ts) and read here from the registry.
 */
import { sourceOfKey } from '../model/props.js';
import { type Reach, NO_REACH } from '../model/reach.js';
import type { EdgeKind } from '../model/schema.js';
import { type GraphView, SOURCES } from '../model/source.js';
import type { GraphNode } from '../model/types.js';
import type { ReachContext } from '../model/reachContext.js';

export { type Privilege, type Reach, NO_REACH, mergeReach, reachOf, transitiveGroups } from '../model/reach.js';

/** A named reach of the node `key` at the analysis time `ctx` (a source's `privileges.reach`, e.g. `entra`, `oktaDirect`). */
export function namedReach(name: string, g: GraphView, key: string, ctx: ReachContext): Reach {
  return SOURCES.reach(name).of(g, key, ctx);
}

/** What an account holds (its kind's `reach`): the reach of the cross-source rules (in Cypher: ACCOUNT_REACH). */
export function accountReach(g: GraphView, n: GraphNode, ctx: ReachContext): Reach {
  const name = SOURCES.account(n.kind)?.account.reach;
  return name ? namedReach(name, g, n.key, ctx) : NO_REACH;
}

/** The privilege a node confers when reached by `edge` from `from` (its source's `privilegeOf`), else null. */
export function privilegeOf(g: GraphView, n: GraphNode, edge: EdgeKind, from: string): { label: string; tier0: boolean } | null {
  return SOURCES.get(sourceOfKey(n.sourceKey))?.privileges?.privilegeOf(n, edge, g, from) ?? null;
}

/** Whether a node is tier 0 by itself (its source's `isTier0`: a Global Administrator assignment, an Okta SUPER_ADMIN role). */
export function isTier0Node(g: GraphView, n: GraphNode): boolean {
  return SOURCES.get(sourceOfKey(n.sourceKey))?.privileges?.isTier0?.(n, g) ?? false;
}
