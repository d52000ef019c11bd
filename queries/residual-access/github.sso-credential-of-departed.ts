/**
 * `github.sso-credential-of-departed` (live, dormant, unverified): a credential (classic PAT or
 * SSH key) authorised for SAML SSO by a departed account, with no expiry or one after `at`: it
 * lasts until revoked and outlives SAML sessions, IdP-blocked or not; a suspended Enterprise
 * Managed User's: dormant (unverified when its SCIM identity was not found). `validUntil` = its
 * expiry. Reach: the account's.
 */
import { GitHubEdge, GitHubKind, githubProps } from '../../src/model/githubSchema.js';
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import type { Reach } from '../../src/analysis/reach.js';
import { instant } from '../../src/model/time.js';
import type { GraphEdge, GraphNode } from '../../src/model/types.js';
import { nodeLabel, relType } from '../../src/store/neo4jSchema.js';
import { NODE, REL, SUBJECTS } from '../cypher/fragments.js';
import { GITHUB_LINK_NEEDS } from './github.departed-member.js';
import { GITHUB_ACCOUNT_FACTS, githubAccountReach, githubRowReach, orgLogin, suspensionStatus } from './githubRuleHelpers.js';
import type { Hit, Rule } from './Rule.js';
import { edge } from './ruleHelpers.js';

function hitOf(a: Analysis, s: AccountState, e: GraphEdge, c: GraphNode, reach: Reach): Hit {
  const p = githubProps(c, 'GitHubSsoCredential');
  return {
    via: c,
    status: suspensionStatus(s),
    validUntil: instant(p.expiresAt),
    reach,
    path: [a.step(s.node), edge(e), a.step(c)],
    evidence: [s.node.prov, c.prov, s.departedAtEvidence],
    remediation: [`DELETE /orgs/${orgLogin(s)}/credential-authorizations/${c.id}`],
    facts: { credentialType: p.credentialType, scopes: p.scopes, expiresAt: p.expiresAt },
  };
}

export const githubSsoCredentialOfDeparted: Rule = {
  id: 'github.sso-credential-of-departed',
  source: 'github',
  title: 'SSO-authorised credential of a departed account',
  appliesTo: 'departed',
  statuses: ['live', 'dormant', 'unverified'],
  viaDoc: 'the credential_id',
  action: { verb: 'Revoke', unit: ['SSO credential authorisation', 'SSO credential authorisations'], unitKey: 'via', object: ['departed account', 'departed accounts', 'of'], objectKey: 'subject' },
  needs: { github: ['members', 'credentialAuthorizations', 'samlIdentities'], ...GITHUB_LINK_NEEDS },
  evaluate(s, a) {
    const hits: Hit[] = [];
    for (const e of a.g.out(s.key, GitHubEdge.AUTHORIZED)) {
      const c = a.node(e.to);
      if (c?.kind !== GitHubKind.GitHubSsoCredential) continue;
      const exp = instant(githubProps(c, 'GitHubSsoCredential').expiresAt);
      if (exp !== null && exp <= a.at) continue;
      hits.push(hitOf(a, s, e, c, githubAccountReach(a, s.key)));
    }
    return hits;
  },
  cypher: {
    query: `${SUBJECTS}
MATCH (s)-[e:${relType(GitHubEdge.AUTHORIZED)}]->(c:${nodeLabel(GitHubKind.GitHubSsoCredential)})
WHERE c.expiresAtMs IS NULL OR c.expiresAtMs > $at
RETURN sub.key AS subject, ${REL('e')} AS e, ${NODE('c')} AS c, ${GITHUB_ACCOUNT_FACTS}
ORDER BY e.seq`,
    hit: (row, c) => hitOf(c.a, c.s, c.edge(row.e), c.node(row.c), githubRowReach(row, c)),
  },
};
