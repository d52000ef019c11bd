/** The roles an account holds (directly or through groups) — the reach of the cross-source rules (in Cypher: ACCOUNT_REACH): its kind's declared reach. */
import type { Analysis } from '../../src/analysis/Analysis.js';
import { type Reach, accountReach } from '../../src/analysis/reach.js';
import type { GraphNode } from '../../src/model/types.js';

export function accountRolesReach(a: Analysis, n: GraphNode): Reach {
  return accountReach(a.g, n, a.ctx);
}
