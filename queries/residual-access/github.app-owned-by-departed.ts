/**
 * `github.app-owned-by-departed` (live): an installation in the organisation of a GitHub App whose
 * owner is a departed user account: the owner keeps the registration, and installation tokens are
 * not tied to a user. Reach: the installation's permissions; `administration:write` is an admin
 * role (proposal). Via: the installation's id.
 */
import { GitHubEdge, GitHubKind, githubProps } from '../../src/model/githubSchema.js';
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import { reachOf } from '../../src/analysis/reach.js';
import { nodeName } from '../../src/model/props.js';
import type { GraphEdge, GraphNode } from '../../src/model/types.js';
import { nodeLabel, relType } from '../../src/store/neo4jSchema.js';
import { NODE, REL, SUBJECTS } from '../cypher/fragments.js';
import { GITHUB_LINK_NEEDS } from './github.departed-member.js';
import { orgLogin } from './githubRuleHelpers.js';
import type { Hit, Rule } from './Rule.js';
import { edge } from './ruleHelpers.js';

function hitOf(a: Analysis, s: AccountState, e: GraphEdge, app: GraphNode, inst: GraphNode): Hit {
  const p = githubProps(inst, 'GitHubAppInstallation');
  return {
    via: inst,
    status: 'live',
    validUntil: null,
    reach: reachOf(p.permissions.includes('administration:write') ? [{ label: `GitHub App ${nodeName(inst)}: administration:write`, tier0: false, type: 'role', via: inst.key }] : []),
    path: [a.step(s.node), edge(e), a.step(app), edge(GitHubEdge.INSTALLATION_OF, true), a.step(inst)],
    evidence: [s.node.prov, app.prov, inst.prov, s.departedAtEvidence],
    remediation: [
      `uninstall: https://github.com/organizations/${orgLogin(s)}/settings/installations/${inst.id} (no REST call for an org owner), or transfer the app's ownership`,
    ],
    facts: { app: nodeName(app), permissions: p.permissions },
  };
}

export const githubAppOwnedByDeparted: Rule = {
  id: 'github.app-owned-by-departed',
  source: 'github',
  title: 'GitHub App owned by a departed account, installed in the organisation',
  appliesTo: 'departed',
  statuses: ['live'],
  viaDoc: "the installation's id",
  action: { verb: 'Uninstall or transfer', unit: ['app installation', 'app installations'], unitKey: 'via', object: null },
  needs: { github: ['appInstallations', 'apps', 'samlIdentities'], ...GITHUB_LINK_NEEDS },
  evaluate(s, a) {
    const hits: Hit[] = [];
    for (const e of a.g.out(s.key, GitHubEdge.OWNS_APP)) {
      const app = a.node(e.to);
      if (app?.kind !== GitHubKind.GitHubApp) continue;
      for (const i of a.g.in(app.key, GitHubEdge.INSTALLATION_OF)) {
        const inst = a.node(i.from);
        if (inst?.kind === GitHubKind.GitHubAppInstallation) hits.push(hitOf(a, s, e, app, inst));
      }
    }
    return hits;
  },
  cypher: {
    query: `${SUBJECTS}
MATCH (s)-[e:${relType(GitHubEdge.OWNS_APP)}]->(app:${nodeLabel(GitHubKind.GitHubApp)})<-[i:${relType(GitHubEdge.INSTALLATION_OF)}]-(inst:${nodeLabel(GitHubKind.GitHubAppInstallation)})
RETURN sub.key AS subject, ${REL('e')} AS e, ${NODE('app')} AS app, ${NODE('inst')} AS inst
ORDER BY e.seq, i.seq`,
    hit: (row, c) => hitOf(c.a, c.s, c.edge(row.e), c.node(row.app), c.node(row.inst)),
  },
};
