/**
 * How a GitHub account's state is read, for the source registry (sources-github.md "Departure"):
 * a non-EMU account has no disable of its own, so it borrows its departure — departed when an
 * account the IdP asserts it is (SAML NameID / SCIM userName, matched in the issuer's tenant; EMU:
 * the SCIM externalId) is departed, with that account's D (the core adds HR termination and the
 * what-if). An Enterprise Managed User is also departed when its SCIM identity is suspended
 * (`active == false`), D = the audit log's latest `user.suspend` at or before `at`, else the linked
 * D. "Disabled in its own source" reads IdP-blocked: a suspended EMU account, or SAML enforced (EMU
 * always signs in through the IdP) and a linked IdP account disabled. The organisation's SAML
 * enforcement and EMU, whether an EMU account's SCIM identity was found (`emuScim`) and is
 * suspended (`emuSuspended`), go to
 * the state's facts for the rules. Correlation: verified-domain mails (medium); the asserted
 * links come from derive.ts.
 */
import { GitHubEdge, GitHubKind, GitHubSpace, githubPropsIf } from '../../src/model/githubSchema.js';
import { nodeKey } from '../../src/model/ids.js';
import type { AccountKindDef, CorrelationKeys, Departure, GraphView, LinkedAccount, OwnAccountState } from '../../src/model/source.js';
import { instant } from '../../src/model/time.js';
import type { GraphNode } from '../../src/model/types.js';

/** The account's SCIM identities and `user.suspend` events (derive.ts joined them). */
function ends<K extends 'GitHubScimIdentity' | 'GitHubSuspension'>(node: GraphNode, g: GraphView, edge: (typeof GitHubEdge)[keyof typeof GitHubEdge], kind: K) {
  return g
    .out(node.key, edge)
    .map((e) => g.node(e.to))
    .filter((n): n is GraphNode => !!n && githubPropsIf(n, kind) !== undefined);
}

function own(node: GraphNode, at: number, g: GraphView, linked: readonly LinkedAccount[]): OwnAccountState {
  const settings = g.node(nodeKey(node.sourceKey, GitHubSpace.settings, 'settings'));
  const sp = settings?.kind === GitHubKind.GitHubSettings ? settings.props : undefined;
  const samlEnforcement = typeof sp?.samlEnforcement === 'string' ? sp.samlEnforcement : 'unknown';
  const emu = sp?.emu === true;
  const scim = emu ? ends(node, g, GitHubEdge.SCIM_IDENTITY, 'GitHubScimIdentity') : [];
  const suspended = scim.some((n) => n.props.active === false);
  const departedLinks = linked.filter((l) => l.departed);
  // IdP-blocked: a suspended EMU account, or SAML enforced (always, for EMU) and a linked IdP account disabled in its own source (or assumed so).
  const blocked = suspended || ((emu || samlEnforcement === 'enforced') && linked.some((l) => l.disabled));
  const because = departedLinks.map((l) => `asserted link to ${l.source}:${l.name} (departed: ${l.because.join(', ')})`);
  if (suspended) because.unshift('EMU SCIM identity active=false (suspended)');
  return {
    disabled: blocked,
    usable: !blocked,
    status: null,
    because,
    leaveDeparted: false,
    departure(): Departure | null {
      if (suspended) {
        const ev = ends(node, g, GitHubEdge.SUSPENDED, 'GitHubSuspension')
          .map((n) => ({ n, t: instant(typeof n.props.at === 'string' ? n.props.at : null) }))
          .filter((x): x is { n: GraphNode; t: number } => x.t !== null && x.t <= at)
          .sort((x, y) => y.t - x.t)[0];
        if (ev) return { at: ev.t, from: 'GitHub audit log user.suspend', evidence: ev.n.prov };
      }
      const l = departedLinks.find((x) => x.departedAt !== null);
      return l ? { at: l.departedAt, from: `${l.source} account ${l.name}: ${l.departedAtFrom}`, evidence: l.departedAtEvidence } : null;
    },
    facts: { samlEnforcement, emu, emuScim: emu ? (scim.length ? 'joined' : 'none') : null, emuSuspended: suspended },
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
  // The SCIM identities and suspensions derive.ts joined, and the organisation's settings (by key).
  reads: {
    edges: [
      { dir: 'out', kind: GitHubEdge.SCIM_IDENTITY },
      { dir: 'out', kind: GitHubEdge.SUSPENDED },
    ],
    keyed: [GitHubKind.GitHubSettings],
  },
  crossRules: false,
  cypher: {
    // Its own word: a suspended EMU SCIM identity; otherwise through a linked account (the core's borrowed departure), HR or a what-if.
    departedOwn: (u, h) => suspendedCypher(u, h),
    usable: (u, h) =>
      `NOT (${suspendedCypher(u, h)} OR (EXISTS { MATCH (${u}_st:${h.label(GitHubKind.GitHubSettings)} {snapshot: $snapshot, source: ${u}.source}) WHERE ${u}_st.samlEnforcement = 'enforced' OR ${u}_st.emu = true } AND ${h.linkedDisabled(u)}))`,
    stateFacts: (u, h) =>
      `COLLECT { MATCH (st:${h.label(GitHubKind.GitHubSettings)} {snapshot: $snapshot, source: ${u}.source}) RETURN {n: ${h.node('st')}, r: null} }
        + COLLECT { MATCH (${u})-[sr:${h.rel(GitHubEdge.SCIM_IDENTITY)}]->(sx:${h.label(GitHubKind.GitHubScimIdentity)}) WITH sr, sx ORDER BY sr.seq RETURN {n: ${h.node('sx')}, r: ${h.edge('sr')}} }
        + COLLECT { MATCH (${u})-[ur:${h.rel(GitHubEdge.SUSPENDED)}]->(ux:${h.label(GitHubKind.GitHubSuspension)}) WITH ur, ux ORDER BY ur.seq RETURN {n: ${h.node('ux')}, r: ${h.edge('ur')}} }`,
  },
};

/** A suspended EMU account: the organisation is EMU and the account's SCIM identity is inactive. */
function suspendedCypher(u: string, h: Parameters<AccountKindDef['cypher']['usable']>[1]): string {
  return `(EXISTS { MATCH (${u}_se:${h.label(GitHubKind.GitHubSettings)} {snapshot: $snapshot, source: ${u}.source}) WHERE ${u}_se.emu = true }
    AND EXISTS { MATCH (${u})-[:${h.rel(GitHubEdge.SCIM_IDENTITY)}]->(${u}_sc:${h.label(GitHubKind.GitHubScimIdentity)}) WHERE ${u}_sc.active = false })`;
}
