/**
 * `github.deploy-key-by-departed` (live): an enabled deploy key a departed account added
 * (`added_by`): it is attached to the repository, not the user, and keeps working after they
 * leave. A read-write key acts as an admin member of its repository (admin role). Via: `{repoId}/{keyId}`.
 */
import { GitHubEdge, GitHubKind, githubProps } from '../../src/model/githubSchema.js';
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import { reachOf } from '../../src/analysis/reach.js';
import { nodeName } from '../../src/model/props.js';
import type { GraphEdge, GraphNode } from '../../src/model/types.js';
import { nodeLabel, relType } from '../../src/store/neo4jSchema.js';
import { NODE, REL, SUBJECTS, firstOut } from '../cypher/fragments.js';
import { GITHUB_LINK_NEEDS } from './github.departed-member.js';
import type { Hit, Rule } from './Rule.js';
import { edge } from './ruleHelpers.js';

function hitOf(a: Analysis, s: AccountState, e: GraphEdge, k: GraphNode, repo: GraphNode | null | undefined): Hit {
  const p = githubProps(k, 'GitHubDeployKey');
  const repoName = repo ? nodeName(repo) : `repository ${p.repoId}`;
  return {
    via: k,
    status: 'live',
    validUntil: null,
    reach: reachOf(p.readOnly === false ? [{ label: `GitHub write deploy key: ${repoName}`, tier0: false, type: 'role', via: k.key }] : []),
    path: [a.step(s.node), edge(e), a.step(k), ...(repo ? [edge(GitHubEdge.ON_REPO), a.step(repo)] : [])],
    evidence: [s.node.prov, k.prov, s.departedAtEvidence],
    remediation: [`DELETE /repos/${repo ? nodeName(repo) : p.repoId}/keys/${p.keyId}`],
    facts: { addedBy: p.addedBy, readOnly: p.readOnly },
  };
}

export const githubDeployKeyByDeparted: Rule = {
  id: 'github.deploy-key-by-departed',
  source: 'github',
  title: 'Deploy key added by a departed account',
  appliesTo: 'departed',
  statuses: ['live'],
  viaDoc: '`{repoId}/{keyId}`',
  action: { verb: 'Delete', unit: ['deploy key', 'deploy keys'], unitKey: 'via', object: ['repository', 'repositories', 'on'], objectKey: 'last' },
  needs: { github: ['repositories', 'deployKeys', 'samlIdentities'], ...GITHUB_LINK_NEEDS },
  evaluate(s, a) {
    const hits: Hit[] = [];
    for (const e of a.g.out(s.key, GitHubEdge.ADDED_KEY)) {
      const k = a.node(e.to);
      if (k?.kind !== GitHubKind.GitHubDeployKey || githubProps(k, 'GitHubDeployKey').enabled === false) continue;
      const repo = a.g.out(k.key, GitHubEdge.ON_REPO).map((x) => a.node(x.to)).find(Boolean);
      hits.push(hitOf(a, s, e, k, repo));
    }
    return hits;
  },
  cypher: {
    query: `${SUBJECTS}
MATCH (s)-[e:${relType(GitHubEdge.ADDED_KEY)}]->(k:${nodeLabel(GitHubKind.GitHubDeployKey)})
WHERE NOT coalesce(k.enabled = false, false)
RETURN sub.key AS subject, ${REL('e')} AS e, ${NODE('k')} AS k, ${firstOut('k', GitHubEdge.ON_REPO)} AS repo
ORDER BY e.seq`,
    hit: (row, c) => hitOf(c.a, c.s, c.edge(row.e), c.node(row.k), c.maybeNode(row.repo)),
  },
};
