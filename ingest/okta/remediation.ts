/**
 * Okta's part of closed-loop offboarding: the write actions a plan can take in an org through the
 * Okta Management API (the collector's `@okta/okta-sdk-nodejs` client and request executor: the
 * same authentication, rate-limit pacing and retries), each with the route of the remediation call
 * the findings carry, the object it acts on, its least-privilege OAuth scope, what it breaks, how
 * it is undone, and a re-read that says whether the object still matches the finding. No action
 * deletes or deactivates an app, a group or an identity provider: they revoke a token or a client
 * credential, remove a relation (assignment, role, membership) or deactivate a user account.
 */
import type { ActionKind, CheckResult, SourceRemediation, StepRef } from '../../src/model/remediation.js';
import type { RequestStats } from '../collection/runDatasets.js';
import { newStats } from '../collection/runDatasets.js';
import { SourceApiError } from '../collection/SourceApiError.js';
import { type OktaSession, type OktaSessionOptions, createOktaSession, oktaCall, oktaList } from './client.js';
import { collectOktaSubject } from './collectOktaSubject.js';
import type { CollectOktaOptions } from './index.js';

type Raw = Record<string, unknown>;

/** Scopes a remediation run asks for in private-key mode: the read scopes its re-reads need and the manage scopes of its writes. */
export const OKTA_REMEDIATION_SCOPES = [
  'okta.users.read',
  'okta.users.manage',
  'okta.groups.manage',
  'okta.apps.read',
  'okta.apps.manage',
  'okta.apiTokens.manage',
  'okta.roles.manage',
];

/** An Okta session for writes, with the request counters of the run. */
export interface OktaWriter {
  session: OktaSession;
  stats: RequestStats;
}

export function oktaWriter(opts: OktaSessionOptions): OktaWriter {
  return { session: createOktaSession({ scopes: OKTA_REMEDIATION_SCOPES, ...opts }), stats: newStats() };
}

const enc = encodeURIComponent;
const GONE = (why: string): CheckResult => ({ state: 'gone', why });
const CHANGED = (why: string): CheckResult => ({ state: 'changed', why });
const PRESENT: CheckResult = { state: 'present' };

async function get(w: OktaWriter, url: string, permission: string): Promise<Raw | null> {
  try {
    return (await oktaCall(w.session, w.stats, 'GET', url, { permission })).body as Raw;
  } catch (e) {
    if (e instanceof SourceApiError && e.status === 404) return null;
    throw e;
  }
}

async function list(w: OktaWriter, url: string, permission: string): Promise<Raw[] | null> {
  const out: Raw[] = [];
  try {
    for await (const x of oktaList<Raw>(w.session, w.stats, url, { permission })) out.push(x);
  } catch (e) {
    if (e instanceof SourceApiError && e.status === 404) return null;
    throw e;
  }
  return out;
}

/** The write itself through the SDK; the answer's status and Okta's request id. */
async function send(w: OktaWriter, step: StepRef, permission: string) {
  const a = await oktaCall(w.session, w.stats, step.call.method as 'POST', step.call.path, { body: step.call.body, permission });
  return { status: a.status, requestId: a.requestId, attempts: a.attempts };
}

const revokeApiToken: ActionKind<OktaWriter> = {
  kind: 'okta.revokeApiToken',
  route: { method: 'DELETE', path: '/api/v1/api-tokens/{id}' },
  target: 'id',
  object: 'API token',
  verb: 'Revoke',
  phase: 'credentials',
  permission: ['okta.apiTokens.manage'],
  breaks: 'every integration or script that calls Okta with this token (it acts with its creator’s admin roles)',
  undo: 'cannot be undone: create a new token under a service account and give it to the integration’s owner',
  reversible: false,
  async check(w, step, ctx) {
    const t = await get(w, `/api/v1/api-tokens/${enc(step.params.id)}`, 'okta.apiTokens.read');
    if (!t) return GONE(`API token ${step.params.id} no longer exists`);
    if (t.userId !== ctx.finding.subject.id) return CHANGED(`API token ${step.params.id} now belongs to ${String(t.userId)}`);
    return PRESENT;
  },
  run: (w, step) => send(w, step, 'okta.apiTokens.manage'),
};

const revokeRefreshToken: ActionKind<OktaWriter> = {
  kind: 'okta.revokeRefreshToken',
  route: { method: 'DELETE', path: '/api/v1/users/{userId}/clients/{clientId}/tokens/{tokenId}' },
  target: 'tokenId',
  object: 'refresh token',
  verb: 'Revoke',
  phase: 'contain',
  permission: ['okta.users.manage'],
  breaks: 'the client application’s offline access on the account’s behalf (it must sign the user in again)',
  undo: 'nothing to undo: a new sign-in issues a new token',
  reversible: true,
  async check(w, step) {
    const { userId, clientId, tokenId } = step.params;
    const t = await get(w, `/api/v1/users/${enc(userId)}/clients/${enc(clientId)}/tokens/${enc(tokenId)}`, 'okta.users.read');
    if (!t) return GONE(`refresh token ${tokenId} no longer exists`);
    if (t.status !== 'ACTIVE') return GONE(`refresh token ${tokenId} is ${String(t.status)}`);
    return PRESENT;
  },
  run: (w, step) => send(w, step, 'okta.users.manage'),
};

const revokeSessionsAndTokens: ActionKind<OktaWriter> = {
  kind: 'okta.revokeSessionsAndTokens',
  route: { method: 'DELETE', path: '/api/v1/users/{userId}/sessions' },
  target: 'userId',
  object: 'sessions and OAuth tokens',
  verb: 'Revoke',
  phase: 'contain',
  permission: ['okta.users.manage'],
  breaks: 'every session and OAuth token of the account (it must sign in again)',
  undo: 'nothing to undo: the user signs in again',
  reversible: true,
  async check(w, step) {
    const u = await get(w, `/api/v1/users/${enc(step.params.userId)}`, 'okta.users.read');
    return u ? PRESENT : GONE(`user ${step.params.userId} no longer exists`);
  },
  run: (w, step) => send(w, step, 'okta.users.manage'),
};

const unassignApp: ActionKind<OktaWriter> = {
  kind: 'okta.unassignApp',
  route: { method: 'DELETE', path: '/api/v1/apps/{appId}/users/{userId}' },
  target: 'appId',
  object: 'app assignment',
  verb: 'Remove',
  phase: 'entitlements',
  permission: ['okta.apps.manage'],
  breaks: 'the account’s access to the app through Okta; an app with provisioning deactivates (or deletes) the downstream account',
  undo: 'POST /api/v1/apps/{appId}/users {"id":"{userId}"} (the app profile and credentials are not restored)',
  reversible: false,
  unassignsApp: true,
  async check(w, step) {
    const { appId, userId } = step.params;
    const au = await get(w, `/api/v1/apps/${enc(appId)}/users/${enc(userId)}`, 'okta.apps.read');
    if (!au) return GONE(`the account is no longer assigned to app ${appId}`);
    if (au.scope === 'GROUP') return CHANGED(`the assignment to app ${appId} comes from a group now: remove the group membership instead`);
    return PRESENT;
  },
  run: (w, step) => send(w, step, 'okta.apps.manage'),
};

const unassignRole: ActionKind<OktaWriter> = {
  kind: 'okta.unassignRole',
  route: { method: 'DELETE', path: '/api/v1/users/{userId}/roles/{roleAssignmentId}' },
  target: 'roleAssignmentId',
  object: 'admin role assignment',
  verb: 'Remove',
  phase: 'entitlements',
  permission: ['okta.roles.manage'],
  breaks: 'nothing the disabled account uses; the role would come back with the account',
  undo: 'POST /api/v1/users/{userId}/roles {"type": the same role type} (targets must be set again)',
  reversible: true,
  async check(w, step) {
    const { userId, roleAssignmentId } = step.params;
    const r = await get(w, `/api/v1/users/${enc(userId)}/roles/${enc(roleAssignmentId)}`, 'okta.roles.read');
    return r ? PRESENT : GONE(`role assignment ${roleAssignmentId} no longer exists`);
  },
  run: (w, step) => send(w, step, 'okta.roles.manage'),
};

const removeGroupMember: ActionKind<OktaWriter> = {
  kind: 'okta.removeGroupMember',
  route: { method: 'DELETE', path: '/api/v1/groups/{groupId}/users/{userId}' },
  target: 'userId',
  object: 'group membership',
  verb: 'Remove',
  phase: 'entitlements',
  permission: ['okta.groups.manage'],
  breaks: 'what the group gives the account: app assignments through the group (provisioning apps deprovision it) and the group’s admin roles',
  undo: 'PUT /api/v1/groups/{groupId}/users/{userId}',
  reversible: true,
  async check(w, step) {
    const { groupId, userId } = step.params;
    const groups = await list(w, `/api/v1/users/${enc(userId)}/groups`, 'okta.groups.read');
    if (groups === null) return GONE(`user ${userId} no longer exists`);
    if (!groups.some((g) => g.id === groupId)) return GONE(`the account is no longer a member of group ${groupId}`);
    return PRESENT;
  },
  run: (w, step) => send(w, step, 'okta.groups.manage'),
};

async function credentialOf(w: OktaWriter, step: StepRef): Promise<Raw | null> {
  const { appId, collection, credentialId } = step.params;
  return get(w, `/api/v1/apps/${enc(appId)}/credentials/${collection}/${enc(credentialId)}`, 'okta.apps.read');
}

const deactivateAppCredential: ActionKind<OktaWriter> = {
  kind: 'okta.deactivateAppCredential',
  route: { method: 'POST', path: '/api/v1/apps/{appId}/credentials/{collection}/{credentialId}/lifecycle/deactivate' },
  target: 'credentialId',
  object: 'client secret or key',
  verb: 'Deactivate',
  phase: 'credentials',
  permission: ['okta.apps.manage'],
  breaks: 'every workload that authenticates as the service app with this secret or key (client credentials flow)',
  undo: 'POST …/lifecycle/activate (until it is deleted)',
  reversible: true,
  async check(w, step) {
    const c = await credentialOf(w, step);
    if (!c) return GONE(`credential ${step.params.credentialId} no longer exists`);
    if (c.status === 'INACTIVE') return GONE(`credential ${step.params.credentialId} is inactive already`);
    return PRESENT;
  },
  run: (w, step) => send(w, step, 'okta.apps.manage'),
};

const deleteAppCredential: ActionKind<OktaWriter> = {
  kind: 'okta.deleteAppCredential',
  route: { method: 'DELETE', path: '/api/v1/apps/{appId}/credentials/{collection}/{credentialId}' },
  target: 'credentialId',
  object: 'client secret or key',
  verb: 'Delete',
  phase: 'credentials',
  permission: ['okta.apps.manage'],
  breaks: 'nothing more than its deactivation did',
  undo: 'cannot be undone: create a new secret or register a new key',
  reversible: false,
  async check(w, step) {
    const c = await credentialOf(w, step);
    return c ? PRESENT : GONE(`credential ${step.params.credentialId} no longer exists`);
  },
  run: (w, step) => send(w, step, 'okta.apps.manage'),
};

const deactivateUser: ActionKind<OktaWriter> = {
  kind: 'okta.deactivateUser',
  route: { method: 'POST', path: '/api/v1/users/{id}/lifecycle/deactivate' },
  target: 'id',
  object: 'user account',
  verb: 'Deactivate',
  phase: 'contain',
  permission: ['okta.users.manage'],
  breaks: 'every sign-in of the account; Okta removes its direct app assignments (provisioning apps deprovision it), admin roles and API tokens',
  undo: 'POST /api/v1/users/{id}/lifecycle/activate (app assignments and admin roles are not restored)',
  reversible: false,
  disablesAccount: true,
  async check(w, step) {
    const u = await get(w, `/api/v1/users/${enc(step.params.id)}`, 'okta.users.read');
    if (!u) return GONE(`user ${step.params.id} no longer exists`);
    if (u.status === 'DEPROVISIONED') return GONE('the account is deactivated already');
    if (u.status === 'SUSPENDED') return GONE('the account is suspended now: it is no longer usable (deactivate it after review)');
    return PRESENT;
  },
  // No `sendEmail`: Okta's default is not to mail the admins.
  run: (w, step) => send(w, step, 'okta.users.manage'),
};

export const OKTA_KINDS: ActionKind<OktaWriter>[] = [
  revokeApiToken,
  revokeRefreshToken,
  revokeSessionsAndTokens,
  unassignApp,
  unassignRole,
  removeGroupMember,
  deactivateAppCredential,
  deleteAppCredential,
  deactivateUser,
];

export const OKTA_REMEDIATION: SourceRemediation<OktaWriter> = {
  source: 'okta',
  kinds: OKTA_KINDS,
  rules: {
    'okta.app-password-known': {
      use: ['okta.unassignApp'],
      needsInclude: 'the account knows a password the app accepts without Okta: change it in the app first; unassigning in Okta alone would hide the finding, not end the access',
    },
    'okta.shared-app-password': {
      use: ['okta.unassignApp'],
      needsInclude: 'the shared password the account has seen keeps working: rotate it in the app first; unassigning in Okta alone would hide the finding, not end the access',
    },
    'okta.downstream-account-not-deprovisioned': {
      use: ['okta.unassignApp'],
      needsInclude: 'the downstream account may still exist: deactivate or delete it in the app first; unassigning in Okta alone would hide the finding, not end the access',
    },
    'okta.api-token-of-departed': { use: ['okta.revokeApiToken'] },
    'okta.refresh-token-active': { oneOf: ['okta.revokeRefreshToken', 'okta.revokeSessionsAndTokens'] },
    'okta.service-app-credential-by-subject': { use: ['okta.deactivateAppCredential', 'okta.deleteAppCredential'] },
    'okta.idp-may-reactivate': {
      manualOnly: 'the identity provider’s provisioning policy is shared by every account that signs in through it: change it in a reviewed change, not per leaver',
    },
    'okta.dormant-role': { use: ['okta.unassignRole', 'okta.removeGroupMember'] },
    'okta.dormant-app-assignment': { use: ['okta.unassignApp'] },
    'okta.dormant-membership': { use: ['okta.removeGroupMember'] },
  },
  disableAccount: ['okta.deactivateUser'],
  scriptBase: (tenant) => tenant.replace(/\/+$/, ''),
  script: { tokenNote: 'Okta calls read $OKTA_API_TOKEN (SSWS)', auth: '"Authorization: SSWS $OKTA_API_TOKEN"' },
  connect: (conn, signal) => oktaWriter({ ...(conn as OktaSessionOptions), signal }),
  async accountDisabled(w, id) {
    const u = await get(w, `/api/v1/users/${enc(id)}`, 'okta.users.read');
    return u ? u.status === 'SUSPENDED' || u.status === 'DEPROVISIONED' : null;
  },
  async collectSubject(conn, subject, out, signal, also = []) {
    // The collector reads with the read scopes (its default), whatever the writes asked for.
    const c = conn as Omit<CollectOktaOptions, 'out'>;
    const serviceApps = also.filter((s) => s.kind === 'okta.deactivateAppCredential' || s.kind === 'okta.deleteAppCredential').map((s) => s.params.appId);
    const r = await collectOktaSubject({ ...c, scopes: undefined, subject, out, force: true, signal, alsoServiceApps: [...new Set(serviceApps)] });
    return { dir: r.dir, accounts: r.accounts };
  },
};
