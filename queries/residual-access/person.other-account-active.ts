/**
 * `person.other-account-active` (live): the subject is disabled in its own source and another
 * account correlated to the same person is still enabled (Entra) or usable (Okta ACTIVE,
 * PASSWORD_EXPIRED, LOCKED_OUT, RECOVERY) — an admin alt account, or the account in the other
 * identity provider. Not reported for an other account that `hr.leaver-account-enabled` already
 * reports. The path shows each correlation link with its key and strength.
 */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import type { Reach } from '../../src/analysis/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { GraphEdge, GraphNode } from '../../src/model/types.js';
import { hasLabel, nodeLabel, relType } from '../../src/store/neo4jSchema.js';
import { SOURCES } from '../../ingest/sources.js';
import { ACCOUNT_REACH, HR_DEPARTED, LEAVE_DEPARTED, NODE, REL, SUBJECTS, USABLE, perRegistry } from '../cypher/fragments.js';
import { correlationChain } from '../cypher/correlation.js';
import type { PathStep, Hit, Rule } from './Rule.js';
import { accountRolesReach } from './crossSourceReach.js';
import { disableAccountRemediation } from './ruleHelpers.js';

export const CROSS_NEEDS = { entra: ['users'], okta: ['users'], hr: ['people'] } as const;

function hitOf(a: Analysis, s: AccountState, other: GraphNode, chain: { nodes: string[]; links: GraphEdge[] } | null, node: (key: string) => GraphNode | undefined, reach: Reach): Hit {
  const path: PathStep[] = [a.step(s.node)];
  const facts: { key: string; value: string; strength: string }[] = [];
  if (chain) {
    chain.links.forEach((l, i) => {
      const props = l.props ?? {};
      facts.push({ key: String(props.key), value: String(props.value), strength: String(props.strength) });
      path.push({ edge: 'SAME_PERSON', key: String(props.key), strength: String(props.strength), value: String(props.value) });
      const n = node(chain.nodes[i + 1]);
      if (n) path.push(a.step(n));
    });
  }
  return {
    via: other,
    status: 'live',
    validUntil: null,
    reach,
    path,
    evidence: [s.node.prov, other.prov, ...(chain?.nodes ?? []).map((k) => node(k)?.prov)],
    remediation: disableAccountRemediation(other),
    facts: { links: facts },
  };
}

/** The query over the registered account kinds (rebuilt when a source registers). */
const QUERY = perRegistry(
  () => `${SUBJECTS}
MATCH (s)-[b:${relType(EdgeKind.BELONGS_TO)}]->(:${nodeLabel(NodeKind.Person)})<-[m:${relType(EdgeKind.BELONGS_TO)}]-(other)
WHERE other <> s AND ${hasLabel('other', SOURCES.crossAccountKinds())}
  AND ${USABLE('other')} AND NOT (${HR_DEPARTED('other')} OR ${LEAVE_DEPARTED('other')})
CALL (s, other) {
  OPTIONAL MATCH chain = allShortestPaths((s)-[:${relType(EdgeKind.SAME_PERSON)}*]-(other))
  WITH chain WHERE chain IS NOT NULL
  RETURN collect({nodes: [x IN nodes(chain) | x {.key, .kind, .props, .file, .line}], links: [r IN relationships(chain) | ${REL('r')}]}) AS chains
}
RETURN sub.key AS subject, ${NODE('other')} AS other, chains, ${ACCOUNT_REACH('other')} AS reach
ORDER BY b.seq, m.seq`,
);

export const personOtherAccountActive: Rule = {
  id: 'person.other-account-active',
  source: 'cross',
  title: "The person's other account is still active",
  appliesTo: 'disabled',
  statuses: ['live'],
  viaDoc: "the active account's id",
  action: { verb: 'Disable', unit: ['other active account of a leaver', 'other active accounts of leavers'], unitKey: 'via', object: null },
  policy: { minSeverity: 'high', keepsPersonOpen: true, disablesAccount: 'other' },
  needs: CROSS_NEEDS,
  evaluate(s, a) {
    const hits: Hit[] = [];
    for (const other of a.otherAccounts(s.key)) {
      const os = a.state(other.key);
      if (!os || !os.usable) continue;
      // hr.leaver-account-enabled reports that account itself.
      if (os.hrDeparted || os.leaveDeparted) continue;
      hits.push(hitOf(a, s, other, a.correlationPath(s.key, other.key), (k) => a.node(k), accountRolesReach(a, other)));
    }
    return hits;
  },
  cypher: {
    // Every shortest chain of correlation links comes back; correlationChain picks the one the
    // graph form's breadth-first search finds (the same tie-break: outgoing links first, in order).
    get query() {
      return QUERY();
    },
    hit(row, c) {
      const seq = new Map<GraphEdge, number>();
      const chains = (row.chains as { nodes: unknown[]; links: { seq: number }[] }[]).map((ch) => ({
        nodes: ch.nodes.map((n) => c.node(n)),
        links: ch.links.map((l) => {
          const e = c.edge(l);
          seq.set(e, l.seq);
          return e;
        }),
      }));
      const byKey = new Map(chains.flatMap((ch) => ch.nodes).map((n) => [n.key, n]));
      const other = c.node(row.other);
      const chain = correlationChain(c.s.key, other.key, chains, (e) => seq.get(e) ?? 0);
      return hitOf(c.a, c.s, other, chain, (k) => byKey.get(k), c.reach(row.reach));
    },
  },
};
