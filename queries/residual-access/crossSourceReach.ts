/** The roles an account holds (directly or through groups) — the reach of the cross-source rules (in Cypher: ACCOUNT_REACH). */
import type { Analysis } from '../../src/analysis/Analysis.js';
import { type Reach, entraRolesReach, oktaUserRolesReach } from '../../src/analysis/reach.js';
import { NodeKind } from '../../src/model/schema.js';
import type { GraphNode } from '../../src/model/types.js';

export function accountRolesReach(a: Analysis, n: GraphNode): Reach {
  return n.kind === NodeKind.EntraUser ? entraRolesReach(a.g, n.key) : oktaUserRolesReach(a.g, n.key);
}

