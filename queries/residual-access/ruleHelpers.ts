/**
 * Pieces several rules share: path steps, credential validity at `at`, the objects a subject
 * owns, what reach an app credential carries (with the path on to the service principal), the
 * Okta "pushes deactivation" test, and remediation calls for the Graph and Okta APIs.
 */
import type { AccountState } from '../../src/analysis/accounts.js';
import type { Analysis } from '../../src/analysis/Analysis.js';
import { type Reach, namedReach } from '../../src/analysis/reach.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import { instant } from '../../src/model/time.js';
import type { EntraCredentialProps, GraphEdge, GraphNode} from '../../src/model/types.js';
import type { PathStep } from './Rule.js';
import { propsOf, propsIf, sourceOfKey } from '../../src/model/props.js';
import { SOURCES } from '../../ingest/sources.js';

export const edge = (e: GraphEdge | string, reverse = false): PathStep =>
  typeof e === 'string' ? { edge: e, ...(reverse ? { reverse } : {}) } : { edge: e.kind, ...(reverse ? { reverse } : {}) };

/** `startDateTime <= at < endDateTime`; a null start counts as started, a null end as no expiry. */
export function validAt(c: EntraCredentialProps, at: number): boolean {
  const start = instant(c.startDateTime);
  const end = instant(c.endDateTime);
  return (start === null || start <= at) && (end === null || at < end);
}

/** Objects (applications, service principals, groups) the subject owns, with the OWNS edge. */
export function owned(a: Analysis, subject: string, kinds: readonly string[]): { node: GraphNode; edge: GraphEdge }[] {
  const out: { node: GraphNode; edge: GraphEdge }[] = [];
  for (const e of a.g.out(subject, EdgeKind.OWNS)) {
    const n = a.node(e.to);
    if (n && kinds.includes(n.kind)) out.push({ node: n, edge: e });
  }
  return out;
}

/** The credentials of a holder (application or service principal) of the given kinds. */
export function credentialsOf(a: Analysis, holder: string, kinds: readonly string[]): { node: GraphNode; edge: GraphEdge }[] {
  const out: { node: GraphNode; edge: GraphEdge }[] = [];
  for (const e of a.g.out(holder, EdgeKind.HAS_CREDENTIAL)) {
    const n = a.node(e.to);
    if (n && kinds.includes(n.kind)) out.push({ node: n, edge: e });
  }
  return out;
}

/**
 * The reach of a credential's holder, and the path from the holder on to the service principal
 * whose permissions it carries (application → its service principal; a service principal is
 * already there).
 */
export function holderReach(a: Analysis, holder: GraphNode): { reach: Reach; tail: PathStep[] } {
  const reach = namedReach('entraObject', a.g, holder.key, a.ctx);
  if (holder.kind === NodeKind.EntraServicePrincipal) return { reach, tail: [] };
  const sps = a.g.in(holder.key, EdgeKind.INSTANCE_OF).map((e) => e.from);
  const tail: PathStep[] = [];
  if (sps.length > 0) {
    const sp = a.node(sps[0]);
    if (sp) tail.push(edge(EdgeKind.INSTANCE_OF, true), a.step(sp));
  }
  return { reach, tail };
}

/** `holderReach`'s path tail from the service principal a Cypher row names (null: the holder is one, or has none). */
export function tailOf(a: Analysis, sp: GraphNode | null): PathStep[] {
  return sp ? [edge(EdgeKind.INSTANCE_OF, true), a.step(sp)] : [];
}

/** A credential path's last steps: what the credential signs in as (the service principal of the tail). */
export function authenticatesAs(tail: PathStep[]): PathStep[] {
  return tail.length ? [edge(EdgeKind.AUTHENTICATES_AS), tail[1]] : [];
}

/** Privilege labels appended to the path as the last step's reach is in `reaches`. */
export function entraCredentialRemediation(holder: GraphNode, cred: GraphNode): string[] {
  const col = holder.kind === NodeKind.EntraServicePrincipal ? 'servicePrincipals' : 'applications';
  if (cred.kind === NodeKind.PasswordCredential) {
    return [`POST /${col}/${holder.id}/removePassword {"keyId":"${propsOf(cred, NodeKind.PasswordCredential).keyId}"}`];
  }
  if (cred.kind === NodeKind.KeyCredential) {
    return [`PATCH /${col}/${holder.id} {"keyCredentials":[…every current certificate except keyId ${propsOf(cred, NodeKind.KeyCredential).keyId}…]}`];
  }
  return [`DELETE /applications/${holder.id}/federatedIdentityCredentials/${cred.id}`];
}

/**
 * An Okta app pushes deactivation when its `features` include PUSH_USER_DEACTIVATION and, if a
 * USER_PROVISIONING feature record exists, its lifecycleDeactivate capability is ENABLED.
 */
export function pushesDeactivation(a: Analysis, app: GraphNode): boolean {
  const p = propsOf(app, NodeKind.OktaApp);
  if (!(p.features ?? []).includes('PUSH_USER_DEACTIVATION')) return false;
  for (const e of a.g.out(app.key, EdgeKind.HAS_FEATURE)) {
    const f = a.node(e.to);
    const fp = propsIf(f, NodeKind.OktaAppFeature);
    if (fp?.name === 'USER_PROVISIONING') return fp.lifecycleDeactivate === 'ENABLED';
  }
  return true;
}

/** The subject's Okta app user records (direct and group-derived), after a what-if's effects. */
export function appUserRecords(a: Analysis, s: AccountState): { app: GraphNode; edge: GraphEdge }[] {
  const out: { app: GraphNode; edge: GraphEdge }[] = [];
  for (const e of a.g.out(s.key, EdgeKind.APP_USER)) {
    // Deactivation removes direct app assignments; group-derived ones stay (catalogue, what-if).
    if (s.assumed && (e.props?.scope ?? 'USER') === 'USER') continue;
    const app = a.node(e.to);
    if (app) out.push({ app, edge: e });
  }
  return out;
}

export const oktaRemoveAppUser = (app: GraphNode, s: AccountState) => `DELETE /api/v1/apps/${app.id}/users/${s.id}`;

/**
 * How to disable an account in its own source: the calls its account kind declares
 * (AccountKindDef.disable), else an instruction naming the account and its source.
 */
export function disableAccountRemediation(n: GraphNode): string[] {
  const def = SOURCES.account(n.kind);
  if (def?.account.disable) return def.account.disable(n.id);
  return [`Disable the account ${n.id} in ${def?.source.title ?? sourceOfKey(n.sourceKey)} (no disable call is declared for ${n.kind})`];
}
