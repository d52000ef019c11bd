/**
 * `github.fine-grained-pat-of-departed` (live): a fine-grained personal access token of a departed
 * account, granted to the organisation and unexpired at `at`; `validUntil` = its expiry. Reach is
 * only within its permissions: `administration:write` (organisation or repository) is an admin role.
 */
import { GitHubEdge, GitHubKind, githubProps } from '../../src/model/githubSchema.js';
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import { type Privilege, reachOf } from '../../src/analysis/reach.js';
import { instant } from '../../src/model/time.js';
import type { GraphEdge, GraphNode } from '../../src/model/types.js';
import { nodeLabel, relType } from '../../src/store/neo4jSchema.js';
import { NODE, REL, SUBJECTS } from '../cypher/fragments.js';
import { GITHUB_LINK_NEEDS } from './github.departed-member.js';
import { orgLogin } from './githubRuleHelpers.js';
import type { Hit, Rule } from './Rule.js';
import { edge } from './ruleHelpers.js';

/** The admin permissions a fine-grained PAT carries. */
function patPrivileges(t: GraphNode): Privilege[] {
  return githubProps(t, 'GitHubFineGrainedPat')
    .permissions.filter((p) => /(^|\.)administration:write$/.test(p))
    .map((p) => ({ label: `GitHub fine-grained PAT: ${p}`, tier0: false, type: 'role' as const, via: t.key }));
}

function hitOf(a: Analysis, s: AccountState, e: GraphEdge, t: GraphNode): Hit {
  const p = githubProps(t, 'GitHubFineGrainedPat');
  return {
    via: t,
    status: 'live',
    validUntil: instant(p.expiresAt),
    reach: reachOf(patPrivileges(t)),
    path: [a.step(s.node), edge(e), a.step(t)],
    evidence: [s.node.prov, t.prov, s.departedAtEvidence],
    remediation: [`POST /orgs/${orgLogin(s)}/personal-access-tokens/${t.id} {"action":"revoke"}`],
    facts: { expiresAt: p.expiresAt, permissions: p.permissions },
  };
}

export const githubFineGrainedPatOfDeparted: Rule = {
  id: 'github.fine-grained-pat-of-departed',
  source: 'github',
  title: 'Fine-grained personal access token of a departed account',
  appliesTo: 'departed',
  statuses: ['live'],
  viaDoc: "the token grant's id",
  action: { verb: 'Revoke', unit: ['fine-grained PAT', 'fine-grained PATs'], unitKey: 'via', object: ['departed account', 'departed accounts', 'of'], objectKey: 'subject' },
  needs: { github: ['members', 'personalAccessTokens', 'samlIdentities'], ...GITHUB_LINK_NEEDS },
  evaluate(s, a) {
    const hits: Hit[] = [];
    for (const e of a.g.out(s.key, GitHubEdge.AUTHORIZED)) {
      const t = a.node(e.to);
      if (t?.kind !== GitHubKind.GitHubFineGrainedPat) continue;
      const p = githubProps(t, 'GitHubFineGrainedPat');
      const exp = instant(p.expiresAt);
      if (p.expired === true || (exp !== null && exp <= a.at)) continue;
      hits.push(hitOf(a, s, e, t));
    }
    return hits;
  },
  cypher: {
    query: `${SUBJECTS}
MATCH (s)-[e:${relType(GitHubEdge.AUTHORIZED)}]->(t:${nodeLabel(GitHubKind.GitHubFineGrainedPat)})
WHERE NOT coalesce(t.expired = true, false) AND (t.expiresAtMs IS NULL OR t.expiresAtMs > $at)
RETURN sub.key AS subject, ${REL('e')} AS e, ${NODE('t')} AS t
ORDER BY e.seq`,
    hit: (row, c) => hitOf(c.a, c.s, c.edge(row.e), c.node(row.t)),
  },
};
