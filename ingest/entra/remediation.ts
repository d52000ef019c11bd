/**
 * Entra's part of closed-loop offboarding: the write actions a plan can take in a tenant through
 * Microsoft Graph v1.0 (the collector's Graph client: the same token provider, retries,
 * throttling), each with the route of the remediation call the findings carry, the object it acts
 * on, its least-privilege application permission, what it breaks, how it is undone, and a re-read
 * that says whether the object still matches the finding. No action deletes or disables an
 * application, a service principal or a group: they remove a credential, a relation (membership,
 * ownership, assignment, grant) or disable a user account.
 */
import type { ActionKind, CheckResult, FindingRef, SourceRemediation, StepRef } from '../../src/model/remediation.js';
import { instant } from '../../src/model/time.js';
import type { RequestStats } from '../collection/runDatasets.js';
import { newStats } from '../collection/runDatasets.js';
import { SourceApiError } from '../collection/SourceApiError.js';
import { DEFAULT_GRAPH_URL, type GraphSession, type GraphSessionOptions, createGraphSession, graphCall } from './client.js';
import { graphGet, graphList } from './graphPages.js';
import { collectEntraSubject } from './collectEntraSubject.js';
import type { CollectEntraOptions } from './index.js';

type Raw = Record<string, unknown>;

/** A Graph session for writes, with the request counters of the run. */
export interface EntraWriter {
  session: GraphSession;
  stats: RequestStats;
}

export function entraWriter(opts: GraphSessionOptions): EntraWriter {
  return { session: createGraphSession(opts), stats: newStats() };
}

const enc = encodeURIComponent;
const GONE = (why: string): CheckResult => ({ state: 'gone', why });
const CHANGED = (why: string): CheckResult => ({ state: 'changed', why });
const PRESENT: CheckResult = { state: 'present' };

async function get(w: EntraWriter, url: string, permission: string): Promise<Raw | null> {
  return graphGet<Raw>(w.session, w.stats, url, { permission });
}

async function list(w: EntraWriter, url: string, permission: string): Promise<Raw[] | null> {
  const out: Raw[] = [];
  try {
    for await (const x of graphList<Raw>(w.session, w.stats, url, { permission })) out.push(x);
  } catch (e) {
    if (e instanceof SourceApiError && e.status === 404) return null;
    throw e;
  }
  return out;
}

/** The write itself: one Graph call with our client-request-id; the answer's status and request id. */
async function send(w: EntraWriter, step: StepRef, clientRequestId: string, permission: string, body?: unknown) {
  const a = await graphCall(w.session, w.stats, {
    method: step.call.method,
    url: step.call.path,
    body: body ?? step.call.body,
    headers: { 'client-request-id': clientRequestId },
    permission,
  });
  return { status: a.status, requestId: a.requestId, attempts: a.attempts };
}

const sameId = (a: unknown, b: string) => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();

/** For the owned-credential rules: the subject must still own the holder (else someone else is accountable for it now). */
async function stillOwned(w: EntraWriter, collection: string, id: string, f: FindingRef): Promise<CheckResult | null> {
  if (!f.rule.startsWith('entra.owned-app-')) return null;
  const owners = await list(w, `/${collection}/${enc(id)}/owners?$select=id`, 'Application.Read.All');
  if (owners === null) return GONE(`the ${collection === 'applications' ? 'application' : 'service principal'} no longer exists`);
  if (!owners.some((o) => sameId(o.id, f.subject.id))) return CHANGED(`${f.subject.name} no longer owns ${collection}/${id}: the credential is someone else's to judge now`);
  return null;
}

const APP_WRITE = 'Application.ReadWrite.All';

const removePassword: ActionKind<EntraWriter> = {
  kind: 'entra.removePassword',
  route: { method: 'POST', path: '/{collection:applications|servicePrincipals}/{id}/removePassword' },
  target: 'keyId',
  object: 'client secret',
  verb: 'Remove',
  phase: 'credentials',
  permission: [APP_WRITE],
  breaks: 'every workload that signs in as the application with this client secret (client credentials flow) stops authenticating',
  undo: 'cannot be undone: a secret value is never readable again; add a new secret (addPassword) and hand it to the workload’s owner',
  reversible: false,
  async check(w, step, ctx) {
    const { collection, id, keyId } = step.params;
    const o = await get(w, `/${collection}/${enc(id)}?$select=id,passwordCredentials`, 'Application.Read.All');
    if (!o) return GONE(`${collection}/${id} no longer exists`);
    const creds = (o.passwordCredentials as Raw[] | undefined) ?? [];
    if (!creds.some((c) => sameId(c.keyId, keyId))) return GONE(`secret ${keyId} is no longer on ${collection}/${id}`);
    return (await stillOwned(w, collection, id, ctx.finding)) ?? PRESENT;
  },
  run: (w, step, rid) => send(w, step, rid, APP_WRITE),
};

const removeKeyCredential: ActionKind<EntraWriter> = {
  kind: 'entra.removeKeyCredential',
  route: { method: 'PATCH', path: '/{collection:applications|servicePrincipals}/{id}' },
  target: 'keyId',
  object: 'certificate',
  verb: 'Remove',
  phase: 'credentials',
  permission: [APP_WRITE],
  breaks: 'every workload that signs in as the application with this certificate stops authenticating',
  undo: 'upload the same certificate (its public part) again with PATCH keyCredentials; the private key never left its holder',
  reversible: true,
  params(call): Record<string, string> {
    const m = /keyId ([0-9a-fA-F-]{36})/.exec(typeof call.body === 'string' ? call.body : JSON.stringify(call.body ?? ''));
    return m ? { keyId: m[1].toLowerCase() } : {};
  },
  async check(w, step, ctx) {
    const { collection, id, keyId } = step.params;
    const o = await get(w, `/${collection}/${enc(id)}?$select=id,keyCredentials`, 'Application.Read.All');
    if (!o) return GONE(`${collection}/${id} no longer exists`);
    const creds = (o.keyCredentials as Raw[] | undefined) ?? [];
    if (!creds.some((c) => sameId(c.keyId, keyId))) return GONE(`certificate ${keyId} is no longer on ${collection}/${id}`);
    return (await stillOwned(w, collection, id, ctx.finding)) ?? PRESENT;
  },
  async run(w, step, rid) {
    // The certificates to keep are read just now (with their public data: PATCH replaces the whole list).
    const { collection, id, keyId } = step.params;
    const o = await get(w, `/${collection}/${enc(id)}?$select=id,keyCredentials`, 'Application.Read.All');
    const keep = ((o?.keyCredentials as Raw[] | undefined) ?? []).filter((c) => !sameId(c.keyId, keyId));
    return send(w, step, rid, APP_WRITE, { keyCredentials: keep });
  },
  journalBody: (step) => ({ keyCredentials: `every current certificate except keyId ${step.params.keyId}` }),
};

const deleteFederatedCredential: ActionKind<EntraWriter> = {
  kind: 'entra.deleteFederatedCredential',
  route: { method: 'DELETE', path: '/applications/{id}/federatedIdentityCredentials/{credentialId}' },
  target: 'credentialId',
  object: 'federated identity credential',
  verb: 'Delete',
  phase: 'credentials',
  permission: [APP_WRITE],
  breaks: 'the outside workload it trusts (issuer and subject, e.g. a GitHub Actions workflow) can no longer get tokens as the application',
  undo: 'create it again with the same issuer, subject and audiences (POST federatedIdentityCredentials); the plan records them',
  reversible: true,
  async check(w, step, ctx) {
    const { id, credentialId } = step.params;
    const c = await get(w, `/applications/${enc(id)}/federatedIdentityCredentials/${enc(credentialId)}`, 'Application.Read.All');
    if (!c) return GONE(`federated credential ${credentialId} no longer exists`);
    return (await stillOwned(w, 'applications', id, ctx.finding)) ?? PRESENT;
  },
  run: (w, step, rid) => send(w, step, rid, APP_WRITE),
};

const revokeSignInSessions: ActionKind<EntraWriter> = {
  kind: 'entra.revokeSignInSessions',
  route: { method: 'POST', path: '/users/{id}/revokeSignInSessions' },
  target: 'id',
  object: 'sign-in sessions',
  verb: 'Revoke',
  phase: 'contain',
  permission: ['User.RevokeSessions.All'],
  breaks: 'the account’s refresh tokens and browser sessions everywhere (it must sign in again; a disabled account cannot)',
  undo: 'nothing to undo: the user signs in again',
  reversible: true,
  async check(w, step, ctx) {
    const u = await get(w, `/users/${enc(step.params.id)}?$select=id,accountEnabled,signInSessionsValidFromDateTime`, 'User.Read.All');
    if (!u) return GONE(`user ${step.params.id} no longer exists`);
    const from = instant(typeof u.signInSessionsValidFromDateTime === 'string' ? u.signInSessionsValidFromDateTime : null);
    if (from !== null && from >= ctx.observedAt) return GONE(`the sessions were revoked at ${String(u.signInSessionsValidFromDateTime)}, after the data the plan rests on`);
    return PRESENT;
  },
  run: (w, step, rid) => send(w, step, rid, 'User.RevokeSessions.All'),
};

const disableUser: ActionKind<EntraWriter> = {
  kind: 'entra.disableUser',
  route: { method: 'PATCH', path: '/users/{id}' },
  target: 'id',
  object: 'user account',
  verb: 'Disable',
  phase: 'contain',
  permission: ['User.EnableDisableAccount.All', 'User.Read.All'],
  breaks: 'every sign-in of the account (new tokens are refused at once; issued access tokens live until they expire)',
  undo: 'PATCH /users/{id} {"accountEnabled":true}',
  reversible: true,
  disablesAccount: true,
  async check(w, step) {
    const u = await get(w, `/users/${enc(step.params.id)}?$select=id,accountEnabled`, 'User.Read.All');
    if (!u) return GONE(`user ${step.params.id} no longer exists`);
    if (u.accountEnabled === false) return GONE('the account is disabled already');
    return PRESENT;
  },
  run: (w, step, rid) => send(w, step, rid, 'User.EnableDisableAccount.All', { accountEnabled: false }),
};

const ROLE_WRITE = 'RoleManagement.ReadWrite.Directory';

const removeRoleAssignment: ActionKind<EntraWriter> = {
  kind: 'entra.removeRoleAssignment',
  route: { method: 'DELETE', path: '/roleManagement/directory/roleAssignments/{id}' },
  target: 'id',
  object: 'directory role assignment',
  verb: 'Remove',
  phase: 'entitlements',
  permission: [ROLE_WRITE],
  breaks: 'nothing the disabled account uses; the role would come back with the account',
  undo: 'POST /roleManagement/directory/roleAssignments with the same principalId, roleDefinitionId and directoryScopeId',
  reversible: true,
  async check(w, step, ctx) {
    const a = await get(w, `/roleManagement/directory/roleAssignments/${enc(step.params.id)}`, 'RoleManagement.Read.Directory');
    if (!a) return GONE(`role assignment ${step.params.id} no longer exists`);
    if (!sameId(a.principalId, ctx.finding.subject.id)) return CHANGED(`role assignment ${step.params.id} is now held by ${String(a.principalId)}`);
    return PRESENT;
  },
  run: (w, step, rid) => send(w, step, rid, ROLE_WRITE),
};

const removeRoleEligibility: ActionKind<EntraWriter> = {
  kind: 'entra.removeRoleEligibility',
  route: { method: 'POST', path: '/roleManagement/directory/roleEligibilityScheduleRequests' },
  target: 'principalId',
  object: 'PIM role eligibility',
  verb: 'Remove',
  phase: 'entitlements',
  permission: ['RoleEligibilitySchedule.ReadWrite.Directory'],
  breaks: 'nothing the disabled account uses; it could otherwise activate the role once re-enabled',
  undo: 'POST roleEligibilityScheduleRequests with action "adminAssign" and the same principal, role and scope',
  reversible: true,
  async check(w, step, ctx) {
    const s = await get(w, `/roleManagement/directory/roleEligibilitySchedules/${enc(ctx.finding.via.id)}`, 'RoleEligibilitySchedule.Read.Directory');
    if (!s) return GONE(`eligibility ${ctx.finding.via.id} no longer exists`);
    if (!sameId(s.principalId, step.params.principalId)) return CHANGED(`eligibility ${ctx.finding.via.id} is now for ${String(s.principalId)}`);
    const end = instant((s.scheduleInfo as { expiration?: { endDateTime?: string } } | undefined)?.expiration?.endDateTime ?? null);
    if (end !== null && end <= Date.now()) return GONE('the eligibility has expired');
    return PRESENT;
  },
  run: (w, step, rid) =>
    send(w, step, rid, 'RoleEligibilitySchedule.ReadWrite.Directory', { ...(step.call.body as Raw), justification: 'Offboarding: remove the eligibility of a departed account (Revenant remediation plan)' }),
};

const removeGroupMember: ActionKind<EntraWriter> = {
  kind: 'entra.removeGroupMember',
  route: { method: 'DELETE', path: '/groups/{groupId}/members/{memberId}/$ref' },
  target: 'memberId',
  object: 'group membership',
  verb: 'Remove',
  phase: 'entitlements',
  permission: ['GroupMember.ReadWrite.All', 'RoleManagement.ReadWrite.Directory (role-assignable groups only)'],
  breaks: 'what the group gives the account: its app assignments, licenses, roles (role-assignable groups) and resource access',
  undo: 'POST /groups/{groupId}/members/$ref {"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/{memberId}"}',
  reversible: true,
  async check(w, step) {
    const { groupId, memberId } = step.params;
    const groups = await list(w, `/users/${enc(memberId)}/memberOf?$select=id`, 'GroupMember.Read.All');
    if (groups === null) return GONE(`user ${memberId} no longer exists`);
    if (!groups.some((g) => sameId(g.id, groupId))) return GONE(`the account is no longer a member of group ${groupId}`);
    return PRESENT;
  },
  run: (w, step, rid) => send(w, step, rid, 'GroupMember.ReadWrite.All'),
};

const removeOwner: ActionKind<EntraWriter> = {
  kind: 'entra.removeOwner',
  route: { method: 'DELETE', path: '/{collection:applications|servicePrincipals|groups}/{id}/owners/{ownerId}/$ref' },
  target: 'id',
  object: 'ownership',
  verb: 'Remove',
  phase: 'ownership',
  permission: [APP_WRITE, 'Group.ReadWrite.All (owned groups)'],
  breaks: 'nothing the disabled account uses; an application or service principal left with no owner at all should get an accountable one (nhi.ownerless)',
  undo: 'POST /{collection}/{id}/owners/$ref {"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/{ownerId}"}',
  reversible: true,
  async check(w, step) {
    const { collection, id, ownerId } = step.params;
    const owners = await list(w, `/${collection}/${enc(id)}/owners?$select=id`, 'Application.Read.All');
    if (owners === null) return GONE(`${collection}/${id} no longer exists`);
    if (!owners.some((o) => sameId(o.id, ownerId))) return GONE(`the account no longer owns ${collection}/${id}`);
    return PRESENT;
  },
  run: (w, step, rid) => send(w, step, rid, step.params.collection === 'groups' ? 'Group.ReadWrite.All' : APP_WRITE),
};

const removeAppRoleAssignment: ActionKind<EntraWriter> = {
  kind: 'entra.removeAppRoleAssignment',
  route: { method: 'DELETE', path: '/servicePrincipals/{resourceId}/appRoleAssignedTo/{id}' },
  target: 'id',
  object: 'app role assignment',
  verb: 'Remove',
  phase: 'entitlements',
  permission: ['AppRoleAssignment.ReadWrite.All'],
  breaks: 'the account’s access to the application (it disappears from My Apps; provisioning apps deprovision it)',
  undo: 'POST /servicePrincipals/{resourceId}/appRoleAssignedTo with the same principalId and appRoleId',
  reversible: true,
  async check(w, step, ctx) {
    const mine = await list(w, `/users/${enc(ctx.finding.subject.id)}/appRoleAssignments?$select=id,principalId,resourceId`, 'Application.Read.All');
    if (mine === null) return GONE(`user ${ctx.finding.subject.id} no longer exists`);
    if (!mine.some((a) => a.id === step.params.id)) return GONE(`app role assignment ${step.params.id} no longer exists`);
    return PRESENT;
  },
  run: (w, step, rid) => send(w, step, rid, 'AppRoleAssignment.ReadWrite.All'),
};

const deleteOauth2PermissionGrant: ActionKind<EntraWriter> = {
  kind: 'entra.deleteOauth2PermissionGrant',
  route: { method: 'DELETE', path: '/oauth2PermissionGrants/{id}' },
  target: 'id',
  object: 'delegated consent grant',
  verb: 'Delete',
  phase: 'entitlements',
  permission: ['DelegatedPermissionGrant.ReadWrite.All'],
  breaks: 'the client application’s delegated access on the account’s behalf (it asks for consent again)',
  undo: 'POST /oauth2PermissionGrants with the same clientId, consentType, principalId, resourceId and scope',
  reversible: true,
  async check(w, step, ctx) {
    const g = await get(w, `/oauth2PermissionGrants/${enc(step.params.id)}`, 'Directory.Read.All');
    if (!g) return GONE(`grant ${step.params.id} no longer exists`);
    if (!sameId(g.principalId, ctx.finding.subject.id)) return CHANGED(`grant ${step.params.id} is now for ${String(g.principalId)}`);
    return PRESENT;
  },
  run: (w, step, rid) => send(w, step, rid, 'DelegatedPermissionGrant.ReadWrite.All'),
};

export const ENTRA_KINDS: ActionKind<EntraWriter>[] = [
  removePassword,
  removeKeyCredential,
  deleteFederatedCredential,
  revokeSignInSessions,
  disableUser,
  removeRoleAssignment,
  removeRoleEligibility,
  removeGroupMember,
  removeOwner,
  removeAppRoleAssignment,
  deleteOauth2PermissionGrant,
];

export const ENTRA_REMEDIATION: SourceRemediation<EntraWriter> = {
  source: 'entra',
  kinds: ENTRA_KINDS,
  rules: {
    'entra.owned-app-secret': { use: ['entra.removePassword'] },
    'entra.owned-app-certificate': { use: ['entra.removeKeyCredential'] },
    'entra.owned-app-federated-credential': { use: ['entra.deleteFederatedCredential'] },
    'entra.credential-added-by-subject': { use: ['entra.removePassword', 'entra.removeKeyCredential', 'entra.deleteFederatedCredential'] },
    'entra.synced-disable-may-revert': {
      manualOnly: 'the account is mastered in on-premises Active Directory: disable it there (Disable-ADAccount) and let sync run; a cloud-only change would be reverted',
    },
    'entra.sessions-not-revoked': { use: ['entra.revokeSignInSessions'] },
    'entra.dormant-role': { use: ['entra.removeRoleAssignment', 'entra.removeRoleEligibility', 'entra.removeGroupMember'] },
    'entra.dormant-ownership': {
      use: ['entra.removeOwner'],
      blockedBy: {
        rule: 'nhi.ownerless',
        reason: 'the account is the last owner left: removing it would leave the machine identity with no owner at all and hide nhi.ownerless; name an accountable owner first',
      },
    },
    'entra.dormant-app-assignment': { use: ['entra.removeAppRoleAssignment'] },
    'entra.dormant-consent-grant': { use: ['entra.deleteOauth2PermissionGrant'] },
    'entra.dormant-membership': { use: ['entra.removeGroupMember'] },
    'nhi.ownerless': {
      manualOnly: 'name an accountable owner for the machine identity (POST …/owners/$ref): who that is cannot be known from the data',
    },
  },
  disableAccount: ['entra.disableUser', 'entra.revokeSignInSessions'],
  scriptBase: () => `${DEFAULT_GRAPH_URL}/v1.0`,
  script: {
    tokenNote: 'Microsoft Graph calls read $GRAPH_TOKEN (an access token for https://graph.microsoft.com)',
    auth: '"Authorization: Bearer $GRAPH_TOKEN"',
    // keyCredentials has no remove action for a certificate: read the list, drop the key, write the rest back.
    lines: (s, base, auth, shq) =>
      s.kind === 'entra.removeKeyCredential'
        ? [
            `body=$(curl -sS -H ${auth} ${shq(`${base}${s.call.path}?$select=keyCredentials`)} | jq -c ${shq(`{keyCredentials: [.keyCredentials[] | select(.keyId != "${s.params.keyId}")]}`)})`,
            `curl -sS -f -X PATCH -H ${auth} -H 'Content-Type: application/json' -d "$body" ${shq(`${base}${s.call.path}`)}`,
          ]
        : undefined,
  },
  connect: (conn, signal) => entraWriter({ ...(conn as GraphSessionOptions), signal }),
  async accountDisabled(w, id) {
    const u = await get(w, `/users/${enc(id)}?$select=id,accountEnabled`, 'User.Read.All');
    return u ? u.accountEnabled === false : null;
  },
  async collectSubject(conn, subject, out, signal, also = []) {
    const c = conn as Omit<CollectEntraOptions, 'out'>;
    const holders = (col: string) => [...new Set(also.filter((s) => s.params.collection === col && s.kind !== 'entra.removeOwner').map((s) => s.params.id))];
    const fed = also.filter((s) => s.kind === 'entra.deleteFederatedCredential').map((s) => s.params.id);
    const r = await collectEntraSubject({
      ...c,
      subject,
      out,
      force: true,
      signal,
      alsoApplications: [...new Set([...holders('applications'), ...fed])],
      alsoServicePrincipals: holders('servicePrincipals'),
    });
    return { dir: r.dir, accounts: r.accounts };
  },
};
