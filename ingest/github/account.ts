/**
 * How a GitHub account's state is read, for the source registry (sources-github.md "Departure"):
 * GitHub has no disable of its own, so the account borrows its departure — departed when an
 * account the IdP asserts it is (SAML NameID / SCIM userName, matched in the issuer's tenant) is
 * departed, with that account's D (the core adds HR termination and the what-if). "Disabled in its
 * own source" reads IdP-blocked: SAML enforced and a linked IdP account disabled. The
 * organisation's SAML enforcement and EMU go to the state's facts for the rules (the 24 h SAML
 * window). Correlation: verified-domain mails (medium); the asserted links come from derive.ts.
 * EMU suspension through SCIM is not read yet (load refuses EMU organisations: transforms.ts).
 */
import { GitHubKind, GitHubSpace } from '../../src/model/githubSchema.js';
import { nodeKey } from '../../src/model/ids.js';
import type { AccountKindDef, CorrelationKeys, Departure, GraphView, LinkedAccount, OwnAccountState } from '../../src/model/source.js';
import type { GraphNode } from '../../src/model/types.js';

function own(node: GraphNode, _at: number, g: GraphView, linked: readonly LinkedAccount[]): OwnAccountState {
  const settings = g.node(nodeKey(node.sourceKey, GitHubSpace.settings, 'settings'));
  const sp = settings?.kind === GitHubKind.GitHubSettings ? settings.props : undefined;
  const samlEnforcement = typeof sp?.samlEnforcement === 'string' ? sp.samlEnforcement : 'unknown';
  const departedLinks = linked.filter((l) => l.departed);
  // IdP-blocked: SAML enforced and a linked IdP account disabled in its own source (or assumed so).
  const blocked = samlEnforcement === 'enforced' && linked.some((l) => l.disabled);
  return {
    disabled: blocked,
    usable: !blocked,
    status: null,
    because: departedLinks.map((l) => `asserted link to ${l.source}:${l.name} (departed: ${l.because.join(', ')})`),
    leaveDeparted: false,
    departure(): Departure | null {
      const l = departedLinks.find((x) => x.departedAt !== null);
      return l ? { at: l.departedAt, from: `${l.source} account ${l.name}: ${l.departedAtFrom}`, evidence: l.departedAtEvidence } : null;
    },
    facts: { samlEnforcement, emu: sp?.emu === true },
  };
}

function correlation(props: Record<string, unknown>): CorrelationKeys {
  const mails = Array.isArray(props.verifiedEmails) ? (props.verifiedEmails as unknown[]).filter((x): x is string => typeof x === 'string') : [];
  return { employeeId: null, mails };
}

export const GITHUB_ACCOUNT: AccountKindDef = {
  kind: GitHubKind.GitHubUser,
  own,
  whatIf: { because: 'assumed departed (what-if)' },
  correlation,
  // Verified mails are not lookup names (only the login is).
  correlationNamed: false,
  borrowsDeparture: true,
  crossRules: false,
  cypher: {
    // Departed only through a linked account (the core's borrowed departure), HR or a what-if.
    departedOwn: () => 'false',
    usable: (u, h) =>
      `NOT (EXISTS { MATCH (${u}_st:${h.label(GitHubKind.GitHubSettings)} {snapshot: $snapshot, source: ${u}.source}) WHERE ${u}_st.samlEnforcement = 'enforced' } AND ${h.linkedDisabled(u)})`,
    stateFacts: (u, h) => `COLLECT { MATCH (st:${h.label(GitHubKind.GitHubSettings)} {snapshot: $snapshot, source: ${u}.source}) RETURN {n: ${h.node('st')}, r: null} }`,
  },
};
