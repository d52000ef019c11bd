/**
 * The badge test source (source.ts) with reach and tier 0 of its own, declared through the
 * registry only (SourceDefinition.privileges), as Entra, Okta and GitHub declare theirs: a holder
 * controls the doors its badge opens (a privilege graph step), a door is a privilege and the
 * server room is tier 0 (`privilegeOf`, `isTier0`), a holder's doors are its named reach
 * `badgeDoors` in both engines (embedded, and Cypher with a fact reader), and the account kind
 * carries that reach into the cross-source rules (`reach`).
 */
import { type Privilege, reachOf } from '../../../src/model/reach.js';
import { EdgeKind } from '../../../src/model/schema.js';
import type { SourceDefinition } from '../../../src/model/source.js';
import type { GraphNode } from '../../../src/model/types.js';
import { BADGE_SOURCE, BadgeDoor, BadgeHolder } from './source.js';

/** A door is a privilege; the server room controls the site (tier 0). */
function doorPrivilege(door: GraphNode): Privilege {
  const name = typeof door.props.name === 'string' ? door.props.name : door.id;
  return { label: `Badge door: ${name}`, tier0: name === 'Server room', type: 'role', via: door.key };
}

export const BADGE_WITH_REACH: SourceDefinition = {
  ...BADGE_SOURCE,
  accounts: BADGE_SOURCE.accounts.map((a) => ({ ...a, reach: 'badgeDoors' })),
  rules: [],
  privileges: {
    steps: { [BadgeHolder]: [{ edge: EdgeKind.MEMBER_OF }] },
    privilegeOf: (n, edge) => (n.kind === BadgeDoor && edge === EdgeKind.MEMBER_OF ? doorPrivilege(n) : null),
    isTier0: (n) => n.kind === BadgeDoor && doorPrivilege(n).tier0,
    reach: {
      badgeDoors: {
        of: (g, key) =>
          reachOf(
            g
              .out(key, EdgeKind.MEMBER_OF)
              .map((e) => g.node(e.to))
              .filter((n): n is GraphNode => n?.kind === BadgeDoor)
              .map(doorPrivilege),
          ),
        cypher: (x, out, h) => `CALL (${x}) {
  OPTIONAL MATCH (${x})-[:${h.rel(EdgeKind.MEMBER_OF)}]->(door:${h.label(BadgeDoor)})
  RETURN [d IN collect(door) | {t: 'badgeDoor', a: ${h.node('d')}}] AS ${out}
}`,
      },
    },
    facts: { badgeDoor: (f, c) => [doorPrivilege(c.node(f.a))] },
    listed: [BadgeDoor],
  },
};
