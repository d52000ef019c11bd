/**
 * A test source defined only here, to prove the source registry: a building's badge system.
 * One folder, one SourceDefinition (registered once by the test): three datasets with line
 * schemas (holders, doors, grants), two node kinds it adds to the schema (BadgeHolder,
 * BadgeDoor), its transforms, an account kind (a holder is disabled when revoked; D is
 * `revokedAt`), correlation by employee number and mail, the Cypher form of its predicates, and
 * one residual-access rule of its own: a door grant left on a revoked badge.
 */
import type { Analysis } from '../../../src/analysis/Analysis.js';
import type { AccountState } from '../../../src/analysis/accounts.js';
import { NO_REACH } from '../../../src/analysis/reach.js';
import type { Emit } from '../../../src/model/Emit.js';
import { EdgeKind, sourceNodeKind } from '../../../src/model/schema.js';
import type { OwnAccountState, SourceDefinition } from '../../../src/model/source.js';
import { instant } from '../../../src/model/time.js';
import type { GraphEdge, GraphNode, NodeProps } from '../../../src/model/types.js';
import { relType } from '../../../src/store/neo4jSchema.js';
import { NODE, REL, SUBJECTS } from '../../../queries/cypher/fragments.js';
import type { Hit, Rule } from '../../../queries/residual-access/Rule.js';
import { edge } from '../../../queries/residual-access/ruleHelpers.js';

export const BadgeHolder = sourceNodeKind('BadgeHolder');
export const BadgeDoor = sourceNodeKind('BadgeDoor');

const str = { type: 'string' };
const strN = { type: ['string', 'null'] };
const obj = (properties: Record<string, unknown>, required: string[]) => ({ type: 'object', properties, required });

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function holders(raw: Record<string, unknown>, emit: Emit): void {
  const id = String(raw.id);
  const props: NodeProps = {
    name: text(raw.name) ?? id,
    email: text(raw.email),
    employeeNumber: text(raw.employeeNumber),
    status: text(raw.status),
    revokedAt: text(raw.revokedAt),
  };
  emit.node(BadgeHolder, 'holder', id, props);
}

function doors(raw: Record<string, unknown>, emit: Emit): void {
  emit.node(BadgeDoor, 'door', String(raw.id), { name: text(raw.name) ?? String(raw.id) });
}

function grants(raw: Record<string, unknown>, emit: Emit): void {
  emit.edge(EdgeKind.MEMBER_OF, emit.ref(BadgeHolder, 'holder', String(raw.holderId)), emit.ref(BadgeDoor, 'door', String(raw.doorId)));
}

function own(node: GraphNode): OwnAccountState {
  const revoked = node.props.status === 'revoked';
  return {
    disabled: revoked,
    usable: node.props.status === 'active',
    status: text(node.props.status),
    because: revoked ? ['status=revoked'] : [],
    leaveDeparted: false,
    departure: () => (revoked && instant(node.props.revokedAt) !== null ? { at: instant(node.props.revokedAt), from: 'revokedAt' } : null),
  };
}

function hitOf(a: Analysis, s: AccountState, g: GraphEdge, door: GraphNode): Hit {
  return {
    via: door,
    status: 'live',
    validUntil: null,
    reach: NO_REACH,
    path: [a.step(s.node), edge(g), a.step(door)],
    evidence: [s.node.prov, g.prov],
    remediation: [`remove the grant of door ${door.id} from badge ${s.id}`],
  };
}

/** `badge.door-of-revoked-badge` (live): a door grant left on a revoked badge (a re-issued card opens it again). */
export const badgeDoorOfRevokedBadge: Rule = {
  id: 'badge.door-of-revoked-badge',
  source: 'badge',
  title: 'Door grant left on a revoked badge',
  appliesTo: 'disabled',
  statuses: ['live'],
  viaDoc: "the door's id",
  action: { verb: 'Remove', unit: ['door grant', 'door grants'], unitKey: 'finding', object: ['door', 'doors', 'from'], objectKey: 'via' },
  needs: { badge: ['holders', 'doors', 'grants'] },
  evaluate(s, a) {
    const hits: Hit[] = [];
    for (const g of a.g.out(s.key, EdgeKind.MEMBER_OF)) {
      const door = a.node(g.to);
      if (door?.kind === BadgeDoor) hits.push(hitOf(a, s, g, door));
    }
    return hits;
  },
  cypher: {
    query: `${SUBJECTS}
MATCH (s)-[g:${relType(EdgeKind.MEMBER_OF)}]->(door) WHERE door.kind = $doorKind
RETURN sub.key AS subject, ${REL('g')} AS g, ${NODE('door')} AS door
ORDER BY g.seq`,
    params: { doorKind: BadgeDoor },
    hit: (row, c) => hitOf(c.a, c.s, c.edge(row.g), c.node(row.door)),
  },
};

export const BADGE_SOURCE: SourceDefinition = {
  kind: 'badge',
  title: 'Badge system (test source)',
  datasets: [
    { name: 'holders', schema: obj({ id: str, name: strN, email: strN, employeeNumber: strN, status: { enum: ['active', 'revoked'] }, revokedAt: strN }, ['id', 'status']) },
    { name: 'doors', schema: obj({ id: str, name: strN }, ['id']) },
    { name: 'grants', idField: null, schema: obj({ holderId: str, doorId: str }, ['holderId', 'doorId']) },
  ],
  load: [
    ['holders', holders],
    ['doors', doors],
    ['grants', grants],
  ],
  tenantKey: (site) => site.toLowerCase(),
  identities: 'holders',
  accounts: [
    {
      kind: BadgeHolder,
      own,
      whatIf: { because: 'assumed revoked (what-if)', status: 'revoked' },
      correlation: (p) => ({ employeeId: text(p.employeeNumber), mails: [text(p.email)].filter((x): x is string => !!x) }),
      cypher: {
        departedOwn: (u) => `coalesce(${u}.status = 'revoked', false)`,
        usable: (u) => `coalesce(${u}.status = 'active', false)`,
      },
    },
  ],
  names: { [BadgeHolder]: ['email', 'employeeNumber'], [BadgeDoor]: [] },
  nodeKinds: [BadgeHolder, BadgeDoor],
  rules: [badgeDoorOfRevokedBadge],
};
