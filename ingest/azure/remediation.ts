/**
 * The Azure resource plane's part of closed-loop offboarding (sources-azure.md "Remediation"): the
 * writes a plan can take through Azure Resource Manager with the collector's ARM session (the
 * management SDK client's pipeline: the same `@azure/identity` credential, retries honouring
 * `Retry-After`, per-attempt timeout and request counting) — delete an active role assignment,
 * remove a PIM eligibility with an `AdminRemove` schedule request (its name minted when the step
 * runs: the journalled client request id), delete a user-assigned managed identity's federated
 * credential. Each re-reads its object first and acts only on the principal the finding names: an
 * assignment held by a group is never deleted for one member (the plan removes the membership).
 * `elevateAccess` at `/` stays a manual step: it changes the operator's own access, tenant-wide.
 * The calls go by URL through the client's pipeline because the generated operations cannot name
 * the root scope `/` (they build `//providers/…`).
 */
import type { ActionKind, CallOutcome, CheckResult, SourceRemediation, StepRef } from '../../src/model/remediation.js';
import { instant } from '../../src/model/time.js';
import type { RequestStats } from '../collection/runDatasets.js';
import { newStats } from '../collection/runDatasets.js';
import { SourceApiError, pathTemplate } from '../collection/SourceApiError.js';
import { type ArmSession, type ArmSessionOptions, DEFAULT_ARM_URL, createArmSession } from './client.js';
import type { CollectAzureOptions } from './index.js';

type Raw = Record<string, unknown>;

/** An ARM session for writes, with the request counters of the run. */
export interface AzureWriter {
  session: ArmSession;
  stats: RequestStats;
}

const RBAC_VERSION = '2022-04-01';
const PIM_VERSION = '2020-10-01';
const MSI_VERSION = '2023-01-31';
const RBAC_WRITE = 'Microsoft.Authorization/roleAssignments/delete (User Access Administrator or Role Based Access Control Administrator at the scope)';
const PIM_WRITE = 'Microsoft.Authorization/roleEligibilityScheduleRequests/write (User Access Administrator or Role Based Access Control Administrator at the scope)';
const MSI_WRITE = 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/delete (Managed Identity Contributor)';
const GONE = (why: string): CheckResult => ({ state: 'gone', why });
const CHANGED = (why: string): CheckResult => ({ state: 'changed', why });
const PRESENT: CheckResult = { state: 'present' };
const same = (a: unknown, b: string) => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const lastSegment = (id: unknown) => (typeof id === 'string' ? (id.split('/').pop() ?? '').toLowerCase() : '');

/** One ARM call; throws a SourceApiError for an error answer (404 on a read is `null`). */
async function arm(w: AzureWriter, method: 'GET' | 'PUT' | 'DELETE', path: string, permission: string, opts: { body?: unknown; clientRequestId?: string } = {}): Promise<{ status: number; body: Raw | null; requestId: string | null; attempts: number }> {
  const before = w.stats.requests;
  const headers = opts.clientRequestId ? { 'x-ms-client-request-id': opts.clientRequestId } : undefined;
  let r;
  try {
    r = await w.session.send(w.stats, method, `${w.session.armUrl}${path}`, { body: opts.body, headers });
  } catch (e) {
    if (w.session.signal.aborted) throw w.session.signal.reason ?? e;
    throw new SourceApiError(`Azure ${method} ${pathTemplate(path)}: no response: ${(e as Error)?.message ?? String(e)}`, { status: 0, path: pathTemplate(path), permission });
  }
  const body = (r.body ?? null) as Raw | null;
  if (r.status >= 400) {
    const err = (body?.error ?? {}) as { code?: string; message?: string };
    throw new SourceApiError(`Azure ${method} ${pathTemplate(path)}: HTTP ${r.status}${err.code ? ` ${err.code}` : ''}: ${(err.message ?? '').slice(0, 200)}`, {
      status: r.status,
      providerCode: err.code,
      path: pathTemplate(path),
      permission,
      requestId: r.requestId,
      attempts: w.stats.requests - before,
    });
  }
  return { status: r.status, body, requestId: r.requestId, attempts: Math.max(1, w.stats.requests - before) };
}

/** A read: the object, or null when ARM answers 404. */
async function read(w: AzureWriter, path: string, permission: string): Promise<Raw | null> {
  try {
    return (await arm(w, 'GET', path, permission)).body;
  } catch (e) {
    if (e instanceof SourceApiError && e.status === 404) return null;
    throw e;
  }
}

const props = (o: Raw | null): Raw => (o?.properties ?? {}) as Raw;
const outcome = (a: { status: number; requestId: string | null; attempts: number }): CallOutcome => ({ status: a.status, requestId: a.requestId, attempts: a.attempts });
const pathOf = (step: StepRef) => step.call.path.split('?')[0];

const deleteRoleAssignment: ActionKind<AzureWriter> = {
  kind: 'azure.deleteRoleAssignment',
  route: { method: 'DELETE', path: '/{scope*}/providers/Microsoft.Authorization/roleAssignments/{name}', origin: DEFAULT_ARM_URL },
  target: 'id',
  object: 'Azure role assignment',
  verb: 'Delete',
  phase: 'entitlements',
  permission: [RBAC_WRITE],
  breaks: 'what the role grants the principal at the scope and below (the account is disabled: nothing it uses; a workload running as it would lose the access)',
  undo: 'PUT the assignment again (same scope, role definition and principal; a new name): the plan records them',
  reversible: true,
  params: (call) => ({ id: call.path.split('?')[0] }),
  async check(w, step, ctx) {
    const a = await read(w, `${pathOf(step)}?api-version=${RBAC_VERSION}`, 'Microsoft.Authorization/roleAssignments/read');
    if (!a) return GONE(`role assignment ${step.params.name} no longer exists`);
    const p = props(a);
    if (!same(p.principalId, ctx.finding.subject.id)) {
      return CHANGED(`role assignment ${step.params.name} is held by ${String(p.principalId)}, not ${ctx.finding.subject.name}: deleting it would remove the access of others too`);
    }
    const updated = instant(p.updatedOn);
    if (updated !== null && updated > ctx.observedAt) return CHANGED(`role assignment ${step.params.name} was updated at ${String(p.updatedOn)}, after the plan's data was read`);
    return PRESENT;
  },
  run: async (w, step, rid) => outcome(await arm(w, 'DELETE', `${pathOf(step)}?api-version=${RBAC_VERSION}`, RBAC_WRITE, { clientRequestId: rid })),
};

/** The eligibility an AdminRemove request names: principal and role definition from the call's body. */
function eligibilityOf(step: StepRef): { principalId: string; roleDefinitionId: string } {
  const p = ((step.call.body as Raw | undefined)?.properties ?? {}) as Raw;
  return { principalId: text(p.principalId), roleDefinitionId: text(p.roleDefinitionId) };
}

const removeEligibility: ActionKind<AzureWriter> = {
  kind: 'azure.removeEligibility',
  route: { method: 'PUT', path: '/{scope*}/providers/Microsoft.Authorization/roleEligibilityScheduleRequests/{requestName}', origin: DEFAULT_ARM_URL },
  target: 'principalId',
  object: 'PIM role eligibility',
  verb: 'Remove',
  phase: 'entitlements',
  permission: [PIM_WRITE],
  breaks: 'the principal can no longer activate the role at the scope',
  undo: 'a PIM AdminAssign eligibility schedule request for the same principal, role and scope (with its end date)',
  reversible: true,
  params: (call) => ({ principalId: eligibilityOf({ kind: '', call, params: {} }).principalId }),
  async check(w, step, ctx) {
    const { principalId, roleDefinitionId } = eligibilityOf(step);
    if (!same(principalId, ctx.finding.subject.id)) return CHANGED(`the eligibility is ${principalId}'s, not ${ctx.finding.subject.name}'s: removing it would remove the access of others too`);
    const scope = step.params.scope || '/';
    const filter = encodeURIComponent(`assignedTo('${principalId}')`);
    const list = await read(w, `${step.params.scope}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?api-version=${PIM_VERSION}&$filter=${filter}`, 'Microsoft.Authorization/roleEligibilityScheduleInstances/read');
    const items = ((list?.value as Raw[] | undefined) ?? []).map(props);
    const now = Date.now();
    const live = items.find((i) => same(i.principalId, principalId) && same(i.scope, scope) && lastSegment(i.roleDefinitionId) === lastSegment(roleDefinitionId) && !((instant(i.endDateTime) ?? Infinity) <= now));
    return live ? PRESENT : GONE(`no eligibility of ${principalId} for role ${lastSegment(roleDefinitionId)} at ${scope} remains`);
  },
  // The request's name is minted now (the journalled client request id), never in the plan: a
  // resumed run re-reads first, and an eligibility already removed is `gone`.
  run: async (w, step, rid) =>
    outcome(await arm(w, 'PUT', `${step.params.scope}/providers/Microsoft.Authorization/roleEligibilityScheduleRequests/${rid}?api-version=${PIM_VERSION}`, PIM_WRITE, { body: step.call.body, clientRequestId: rid })),
};

const GITHUB_ISSUER = /^https:\/\/token\.actions\.githubusercontent\.com(\/|$)/i;

const deleteFederatedCredential: ActionKind<AzureWriter> = {
  kind: 'azure.deleteFederatedCredential',
  route: {
    method: 'DELETE',
    path: '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{identity}/federatedIdentityCredentials/{name}',
    origin: DEFAULT_ARM_URL,
  },
  target: 'id',
  object: 'managed identity federated credential',
  verb: 'Delete',
  phase: 'credentials',
  permission: [MSI_WRITE],
  breaks: 'the workflows it trusts (issuer and subject) can no longer sign in as the managed identity',
  undo: 'create it again with the same issuer, subject and audiences (PUT federatedIdentityCredentials/{name}): the plan records them',
  reversible: true,
  params: (call) => ({ id: call.path.split('?')[0] }),
  async check(w, step) {
    const c = await read(w, `${pathOf(step)}?api-version=${MSI_VERSION}`, 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read');
    if (!c) return GONE(`federated credential ${step.params.name} no longer exists`);
    const issuer = text(props(c).issuer);
    if (!GITHUB_ISSUER.test(issuer)) return CHANGED(`federated credential ${step.params.name} now trusts ${issuer}, not GitHub Actions`);
    return PRESENT;
  },
  run: async (w, step, rid) => outcome(await arm(w, 'DELETE', `${pathOf(step)}?api-version=${MSI_VERSION}`, MSI_WRITE, { clientRequestId: rid })),
};

export const AZURE_KINDS: ActionKind<AzureWriter>[] = [deleteRoleAssignment, removeEligibility, deleteFederatedCredential];

/** A role held through a group is removed by the membership (Entra), never by deleting the group's assignment. */
const ROLE_POLICY = { oneOf: ['entra.removeGroupMember', 'azure.removeEligibility', 'azure.deleteRoleAssignment'] };

export const AZURE_REMEDIATION: SourceRemediation<AzureWriter> = {
  source: 'azure',
  kinds: AZURE_KINDS,
  rules: {
    'azure.dormant-role': ROLE_POLICY,
    'azure.role-held-by-departed-guest': ROLE_POLICY,
    // The GitHub rule's credential is an Entra application's or a managed identity's: its calls are theirs.
    'github.workflow-federated-credential': {
      use: ['entra.deleteFederatedCredential', 'azure.deleteFederatedCredential'],
      needsInclude: 'deleting the credential stops every workflow that deploys with it; removing the person’s access to the repository in GitHub is the narrower fix',
    },
  },
  disableAccount: [],
  scriptBase: () => DEFAULT_ARM_URL,
  script: { tokenNote: 'Azure Resource Manager calls read $REVENANT_AZURE_TOKEN (az account get-access-token)', auth: '"Authorization: Bearer $REVENANT_AZURE_TOKEN"' },
  connect: (conn, signal) => ({ session: createArmSession({ ...(conn as ArmSessionOptions), signal }), stats: newStats() }),
  // Azure has no accounts of its own (its subjects are Entra's): never asked.
  accountDisabled: () => Promise.resolve(null),
  async collectSubject(conn, subject, out, signal, also = []) {
    const { collectAzure } = await import('./index.js');
    const c = conn as Omit<CollectAzureOptions, 'out'>;
    await collectAzure({ ...c, subject, out, force: true, signal, credentialsOf: identitiesOf(also) });
    // Complete for the subject's own assignments (its group assignments are only replaced one by
    // one) and for the credentials of the identities the plan acts on (the ledger's parents).
    return { dir: `${out}/azure`, accounts: [subject.toLowerCase()] };
  },
  // A plan whose subject is another source's account (a GitHub account whose workflows sign in as
  // a managed identity): only the federated credentials of the identities its steps act on.
  async collectObjects(conn, out, signal, steps) {
    const { collectAzure } = await import('./index.js');
    const c = conn as Omit<CollectAzureOptions, 'out'>;
    await collectAzure({ ...c, out, force: true, signal, credentialsOf: identitiesOf(steps) });
    return { dir: `${out}/azure`, accounts: [] };
  },
};

/** The managed identities whose federated credentials `steps` delete (their ARM ids). */
function identitiesOf(steps: readonly StepRef[]): string[] {
  const out = new Set<string>();
  for (const s of steps) {
    if (s.kind !== deleteFederatedCredential.kind) continue;
    const path = pathOf(s);
    const i = path.toLowerCase().lastIndexOf('/federatedidentitycredentials/');
    if (i > 0) out.add(path.slice(0, i));
  }
  return [...out];
}
