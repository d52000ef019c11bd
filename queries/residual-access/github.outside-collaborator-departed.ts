/**
 * `github.outside-collaborator-departed` (live, dormant, unverified): a departed account is an
 * outside collaborator of the organisation. Outside collaborators skip SAML, so nothing the IdP
 * does blocks them: live; a suspended Enterprise Managed User: dormant (unverified when its SCIM
 * identity was not found). Via: the organisation.
 */
import { GitHubEdge, GitHubKind } from '../../src/model/githubSchema.js';
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import type { Reach } from '../../src/analysis/reach.js';
import type { GraphEdge, GraphNode } from '../../src/model/types.js';
import { nodeLabel, relType } from '../../src/store/neo4jSchema.js';
import { NODE, REL, SUBJECTS } from '../cypher/fragments.js';
import { GITHUB_LINK_NEEDS } from './github.departed-member.js';
import { GITHUB_ACCOUNT_FACTS, githubAccountReach, githubRowReach, loginOf, orgLogin, suspensionStatus } from './githubRuleHelpers.js';
import type { Hit, Rule } from './Rule.js';
import { edge } from './ruleHelpers.js';

function hitOf(a: Analysis, s: AccountState, e: GraphEdge, org: GraphNode, reach: Reach): Hit {
  return {
    via: org,
    status: suspensionStatus(s),
    validUntil: null,
    reach,
    path: [a.step(s.node), edge(e), a.step(org)],
    evidence: [s.node.prov, s.departedAtEvidence],
    remediation: [`DELETE /orgs/${orgLogin(s)}/outside_collaborators/${loginOf(s)}`],
  };
}

export const githubOutsideCollaboratorDeparted: Rule = {
  id: 'github.outside-collaborator-departed',
  source: 'github',
  title: 'Departed account still an outside collaborator',
  appliesTo: 'departed',
  statuses: ['live', 'dormant', 'unverified'],
  viaDoc: "the organisation's id",
  action: { verb: 'Remove', unit: ['outside collaborator', 'outside collaborators'], unitKey: 'subject', object: ['organisation', 'organisations', 'from'], objectKey: 'via' },
  needs: { github: ['outsideCollaborators', 'samlIdentities'], ...GITHUB_LINK_NEEDS },
  evaluate(s, a) {
    const hits: Hit[] = [];
    for (const e of a.g.out(s.key, GitHubEdge.OUTSIDE_COLLABORATOR)) {
      const org = a.node(e.to);
      if (org?.kind === GitHubKind.GitHubOrg) hits.push(hitOf(a, s, e, org, githubAccountReach(a, s.key)));
    }
    return hits;
  },
  cypher: {
    query: `${SUBJECTS}
MATCH (s)-[e:${relType(GitHubEdge.OUTSIDE_COLLABORATOR)}]->(o:${nodeLabel(GitHubKind.GitHubOrg)})
RETURN sub.key AS subject, ${REL('e')} AS e, ${NODE('o')} AS o, ${GITHUB_ACCOUNT_FACTS}
ORDER BY e.seq`,
    hit: (row, c) => hitOf(c.a, c.s, c.edge(row.e), c.node(row.o), githubRowReach(row, c)),
  },
};
