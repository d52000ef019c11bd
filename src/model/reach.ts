/**
 * Reach: what the access a finding names can do — the privileges it confers (admin roles,
 * application permissions, scope grants, a source's own tier-0 objects) and whether any of them
 * is tier 0. The shape and the merge are here, below every layer; what confers a privilege is
 * each source's (SourceDefinition.privileges: ingest/<source>/privileges.ts).
 */
import { EdgeKind } from './schema.js';
import type { GraphView } from './source.js';

export interface Privilege {
  label: string;
  tier0: boolean;
  /** `appPermission`, `role` or `scope`. */
  type: 'appPermission' | 'role' | 'scope';
  /** The node that grants it (role assignment, app role assignment, scope grant). */
  via: string;
}

export interface Reach {
  tier0: boolean;
  /** Any privilege at all (an application permission, an admin role, a scope grant). */
  privileged: boolean;
  privileges: Privilege[];
}

export const NO_REACH: Reach = Object.freeze({ tier0: false, privileged: false, privileges: [] });

/** The Reach of a list of privileges: one per grant and label, tier 0 first, then by label. */
export function reachOf(privileges: Privilege[]): Reach {
  const seen = new Map<string, Privilege>();
  for (const p of privileges) if (!seen.has(`${p.via}|${p.label}`)) seen.set(`${p.via}|${p.label}`, p);
  const list = [...seen.values()].sort((a, b) => Number(b.tier0) - Number(a.tier0) || a.label.localeCompare(b.label));
  return { tier0: list.some((p) => p.tier0), privileged: list.length > 0, privileges: list };
}

/** Several Reach merged into one. */
export function mergeReach(...rs: Reach[]): Reach {
  return reachOf(rs.flatMap((r) => r.privileges));
}

/** Groups a principal is a member of, directly or through other groups (cycle-safe). */
export function transitiveGroups(g: GraphView, key: string): string[] {
  const seen = new Set<string>();
  const stack = [key];
  while (stack.length) {
    const k = stack.pop()!;
    for (const e of g.out(k, EdgeKind.MEMBER_OF)) {
      if (!seen.has(e.to) && e.to !== key) {
        seen.add(e.to);
        stack.push(e.to);
      }
    }
  }
  return [...seen];
}
