/**
 * `github.departed-member` (live, window, dormant, unverified): a departed GitHub account is a
 * member of the organisation. Not IdP-blocked: live. IdP-blocked (SAML enforced, linked IdP
 * account disabled): window until D + 24 h (GitHub's SAML session), then dormant. SAML enforcement
 * unknown: unverified. Via: the organisation (its role there is reach: an owner is tier 0).
 */
import { GitHubEdge, GitHubKind } from '../../src/model/githubSchema.js';
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import type { Reach } from '../../src/analysis/reach.js';
import type { GraphEdge, GraphNode } from '../../src/model/types.js';
import { nodeLabel, relType } from '../../src/store/neo4jSchema.js';
import { NODE, REL, SUBJECTS } from '../cypher/fragments.js';
import { GITHUB_ACCOUNT_FACTS, githubAccountReach, githubFacts, githubRowReach, loginOf, membershipStatus, orgLogin } from './githubRuleHelpers.js';
import type { Hit, Rule } from './Rule.js';
import { edge } from './ruleHelpers.js';

function hitOf(a: Analysis, s: AccountState, e: GraphEdge, org: GraphNode, reach: Reach): Hit {
  const { status, validUntil } = membershipStatus(s, a.at);
  return {
    via: org,
    status,
    validUntil,
    reach,
    path: [a.step(s.node), edge(e), a.step(org)],
    evidence: [s.node.prov, e.prov, s.departedAtEvidence],
    remediation: [`DELETE /orgs/${orgLogin(s)}/memberships/${loginOf(s)}`],
    facts: { role: e.props?.role ?? null, samlEnforcement: githubFacts(s).samlEnforcement, idpBlocked: s.disabled },
  };
}

/** What every github rule needs besides its own datasets: the IdP's identities and the accounts they link to. */
export const GITHUB_LINK_NEEDS = { entra: ['users'], okta: ['users'], hr: ['people'] } as const;

export const githubDepartedMember: Rule = {
  id: 'github.departed-member',
  source: 'github',
  title: 'Departed account still a member of the GitHub organisation',
  appliesTo: 'departed',
  statuses: ['live', 'window', 'dormant', 'unverified'],
  viaDoc: "the organisation's id",
  action: { verb: 'Remove', unit: ['organisation membership', 'organisation memberships'], unitKey: 'subject', object: ['organisation', 'organisations', 'from'], objectKey: 'via' },
  needs: { github: ['members', 'settings', 'samlIdentities'], ...GITHUB_LINK_NEEDS },
  evaluate(s, a) {
    const hits: Hit[] = [];
    for (const e of a.g.out(s.key, GitHubEdge.ORG_MEMBER)) {
      const org = a.node(e.to);
      if (org?.kind === GitHubKind.GitHubOrg) hits.push(hitOf(a, s, e, org, githubAccountReach(a, s.key)));
    }
    return hits;
  },
  cypher: {
    query: `${SUBJECTS}
MATCH (s)-[e:${relType(GitHubEdge.ORG_MEMBER)}]->(o:${nodeLabel(GitHubKind.GitHubOrg)})
RETURN sub.key AS subject, ${REL('e')} AS e, ${NODE('o')} AS o, ${GITHUB_ACCOUNT_FACTS}
ORDER BY e.seq`,
    hit: (row, c) => hitOf(c.a, c.s, c.edge(row.e), c.node(row.o), githubRowReach(row, c)),
  },
};
