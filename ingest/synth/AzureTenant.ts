/**
 * The Azure resource plane of a synthetic tenant (`revenant synth --azure`, sources-azure.md):
 * a management-group tree under the tenant root group, `subscriptions` subscriptions, the
 * privileged built-in role definitions, background assignments to active people, and the planted
 * facts the Azure rules look at — roles of disabled leavers at `/`, the root group, a management
 * group and a subscription, through a planted security group, PIM eligibilities with and without
 * an end date (an ended one as a control), enabled guests who left through HR holding roles, an
 * assignment to a principal deleted for good, and the workload identities (an unowned Entra
 * application and user-assigned managed identities, with their Azure roles) whose federated
 * credentials trust GitHub repositories (GitHubOrg). Roles are recorded on the leaver model
 * (`azure` fields) so that the judge derives findings and reach from what was planted.
 */
import { AZURE_ROLE, azureRoleReach } from './catalogue.js';
import { DAY, graphTime } from './clock.js';
import type { AzureRole, EntraApp, EntraGroup, Fic, LeaverPerson } from './model.js';
import { EntraPlanter } from './EntraPlanter.js';
import type { SynthEnv } from './SynthEnv.js';
import type { TenantPlan } from './TenantPlan.js';
import type { SourceWriter } from '../collection/SourceWriter.js';
import { AZURE_DATASETS } from '../azure/AzureContext.js';

const MA = '/providers/Microsoft.Authorization';
const MG = '/providers/Microsoft.Management/managementGroups/';
const MG_NAMES = ['platform', 'landing-zones', 'corp', 'online', 'sandbox'] as const;
const MG_PARENT: Record<string, string | null> = { platform: null, 'landing-zones': null, corp: 'landing-zones', online: 'landing-zones', sandbox: null };

export interface ManagedIdentity {
  id: string;
  name: string;
  subscription: string;
  principalId: string;
  clientId: string;
  fics: Fic[];
  azure: AzureRole[];
}

/** A workload identity GitHubOrg points a federated credential at (an Entra app or a managed identity). */
export interface WorkloadHolder {
  kind: 'app' | 'mi';
  app: EntraApp | null;
  mi: ManagedIdentity | null;
  /** Its reach (the Azure roles it holds). */
  tier0: boolean;
  priv: boolean;
}

export class AzureTenant {
  readonly subscriptions: string[] = [];
  /** Subscription index → its parent management group (a name, or the tenant id for the root group). */
  private readonly parents: string[] = [];
  /** Every assignment and eligibility, in writing order. */
  readonly roles: AzureRole[] = [];
  readonly identities: ManagedIdentity[] = [];
  readonly holders: WorkloadHolder[] = [];
  readonly guests: LeaverPerson[] = [];
  private readonly rootMg: string;

  constructor(
    readonly env: SynthEnv,
    readonly plan: TenantPlan,
    readonly persons: LeaverPerson[],
    readonly count: number,
  ) {
    this.rootMg = `${MG}${env.tenantId}`;
    for (let i = 0; i < count; i++) {
      this.subscriptions.push(env.ids.guid('azure:sub', i));
      this.parents.push(i % 6 === 5 ? env.tenantId : MG_NAMES[i % MG_NAMES.length]);
    }
  }

  private subScope(i: number): string {
    return `/subscriptions/${this.subscriptions[i % this.subscriptions.length]}`;
  }

  private role(scope: string, def: { id: string }, principalId: string, principalType: AzureRole['principalType'], opts: { eligible?: boolean; end?: number | null; condition?: string | null } = {}): AzureRole {
    const eligible = opts.eligible ?? false;
    const name = this.env.guid(eligible ? 'azure:elig' : 'azure:ra');
    const kind = eligible ? 'roleEligibilityScheduleInstances' : 'roleAssignments';
    const condition = opts.condition ?? null;
    const reach = azureRoleReach(def.id, scope, condition, this.env.tenantId);
    const r: AzureRole = {
      id: `${scope === '/' ? '' : scope}${MA}/${kind}/${name}`,
      role: def.id,
      scope,
      principalId,
      principalType,
      condition,
      eligible,
      end: opts.end ?? null,
      tier0: reach.tier0,
      priv: reach.priv,
    };
    this.roles.push(r);
    return r;
  }

  /** Plan the tenant: background, planted leavers, guests, workload identities. */
  planAll(): void {
    const { env } = this;
    const at = env.at;
    const ppl = env.people;
    const M = ppl.bgMember.length;
    // Background: two assignments per subscription to active people; an Owner at the root group.
    for (let i = 0; i < this.count; i++) {
      const p1 = ppl.bgMember[(i * 7919) % M];
      const p2 = ppl.bgMember[(i * 104729 + 13) % M];
      this.role(this.subScope(i), i % 3 ? AZURE_ROLE.reader : AZURE_ROLE.contributor, ppl.entraId[p1], 'User');
      this.role(this.subScope(i), i % 4 ? AZURE_ROLE.contributor : AZURE_ROLE.owner, ppl.entraId[p2], 'User');
    }
    this.role(this.rootMg, AZURE_ROLE.owner, ppl.entraId[ppl.bgMember[0]], 'User');
    // Control: an assignment whose principal was deleted for good (hygiene, no subject).
    this.role(this.subScope(1), AZURE_ROLE.owner, env.guid('azure:deleted'), 'Unknown');

    // Planted: disabled (not deleted) member leavers of the plain kinds.
    const group: EntraGroup = this.plantedGroup();
    const holders = this.persons
      .filter((p) => p.kind === 'entra-only' || p.kind === 'both')
      .flatMap((p) => p.entra.filter((a) => !a.enabled && !a.deleted && a.userType === 'Member'));
    const step = Math.max(1, Math.round(holders.length / Math.max(6, Math.round(holders.length / 5))));
    let j = 0;
    for (let k = 0; k < holders.length; k += step, j++) {
      const a = holders[k];
      const list: AzureRole[] = (a.azure = []);
      const sub = this.subScope(j * 31 + 3);
      switch (j % 6) {
        case 0:
          list.push(this.role('/', AZURE_ROLE.userAccessAdmin, a.id, 'User'));
          break;
        case 1:
          list.push(this.role(`${MG}${MG_NAMES[j % 4 === 1 ? 2 : 0]}`, AZURE_ROLE.owner, a.id, 'User'));
          break;
        case 2:
          list.push(this.role(sub, AZURE_ROLE.contributor, a.id, 'User'));
          list.push(this.role(sub, AZURE_ROLE.owner, a.id, 'User', { eligible: true, end: at - 20 * DAY }));
          break;
        case 3:
          list.push(this.role(sub, AZURE_ROLE.owner, a.id, 'User', { eligible: true, end: at + (30 + (j % 200)) * DAY }));
          list.push(this.role(this.subScope(j * 31 + 4), AZURE_ROLE.contributor, a.id, 'User', { eligible: true, end: null }));
          break;
        case 4:
          list.push(this.role(sub, AZURE_ROLE.reader, a.id, 'User'));
          list.push(this.role(this.rootMg, AZURE_ROLE.owner, a.id, 'User'));
          break;
        default:
          list.push(this.role(sub, AZURE_ROLE.userAccessAdmin, a.id, 'User', { condition: "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})))" }));
      }
      if (j % 4 === 2) {
        group.planted.push(a.id);
        a.groups.push(group);
      }
    }
    this.plantGuests();
    this.plantWorkloads();
  }

  /** A security group holding Owner on a subscription, with planted leavers as members. */
  private plantedGroup(): EntraGroup {
    const { env } = this;
    const g = this.plan.group('planted', 'azure-subscription-owners', env.at - 700 * DAY, { description: 'Owners of the production subscription' });
    g.azure = [this.role(this.subScope(0), AZURE_ROLE.owner, g.id, 'Group')];
    return g;
  }

  /** Enabled guests whose person left through HR, each holding one Azure role. */
  private plantGuests(): void {
    const { env } = this;
    const anchors = this.persons.filter((p) => p.kind === 'guest');
    const n = Math.max(3, Math.round(env.people.leavers.length / 300));
    for (let k = 0; k < n && anchors.length; k++) {
      const anchor = anchors[k % anchors.length];
      const local = `azguest${k}`;
      const mail = `${local}@${env.people.partnerDomain(anchor.p)}`;
      const id = env.guid('azure:guest');
      const a = new EntraPlanter(env, this.plan).account(
        { id, upn: `${mail.replace('@', '_')}#EXT#@${env.tenantDomain}`, mail, first: 'Azure', last: `Guest ${k}`, employeeId: null, userType: 'Guest', department: null },
        env.at - (200 + k) * DAY,
      );
      const def = k % 3 === 0 ? AZURE_ROLE.reader : k % 3 === 1 ? AZURE_ROLE.owner : AZURE_ROLE.userAccessAdmin;
      a.azure = [this.role(k % 3 === 2 ? '/' : this.subScope(k * 17 + 5), def, id, 'User')];
      const person: LeaverPerson = {
        p: anchor.p,
        kind: 'azure-guest',
        entra: [a],
        okta: [],
        hr: { employeeId: null, email: mail, displayName: a.displayName, status: 'terminated', terminationDate: graphTime(env.at - (10 + k) * DAY).slice(0, 10) },
      };
      this.guests.push(person);
      this.persons.push(person);
    }
  }

  /** Workload identities: unowned Entra applications and user-assigned managed identities with Azure roles. */
  private plantWorkloads(): void {
    const { env, plan } = this;
    const n = Math.max(2, Math.min(200, Math.round(this.count / 20)));
    for (let k = 0; k < n; k++) {
      if (k % 2 === 0) {
        const app = plan.blankApp('registration', `deploy-pipeline-${k}`, env.guid('azure:app'), env.guid('azure:appid'), env.guid('azure:sp'), env.at - (300 + k) * DAY);
        app.planted = true;
        app.azure = [this.role(this.subScope(k * 13 + 2), k % 4 === 0 ? AZURE_ROLE.owner : AZURE_ROLE.contributor, app.spId, 'ServicePrincipal')];
        plan.apps.push(app);
        const r = azureRoleReachOf(app.azure);
        this.holders.push({ kind: 'app', app, mi: null, ...r });
      } else {
        const sub = this.subscriptions[(k * 11 + 1) % this.subscriptions.length];
        const name = `deploy-id-${k}`;
        const mi: ManagedIdentity = {
          id: `/subscriptions/${sub}/resourceGroups/deploy-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
          name,
          subscription: sub,
          principalId: env.guid('azure:mi'),
          clientId: env.guid('azure:miclient'),
          fics: [],
          azure: [],
        };
        mi.azure.push(this.role(k % 4 === 1 ? this.rootMg : `/subscriptions/${sub}`, AZURE_ROLE.owner, mi.principalId, 'ServicePrincipal'));
        this.identities.push(mi);
        this.holders.push({ kind: 'mi', app: null, mi, ...azureRoleReachOf(mi.azure) });
      }
    }
  }

  async write(sw: SourceWriter): Promise<void> {
    const { env } = this;
    const w = Object.fromEntries(AZURE_DATASETS.map((d) => [d, sw.dataset(d)])) as Record<(typeof AZURE_DATASETS)[number], ReturnType<SourceWriter['dataset']>>;
    const tenant = env.tenantId;
    await w.managementGroups.write({ id: this.rootMg, type: 'Microsoft.Management/managementGroups', name: tenant, properties: { tenantId: tenant, displayName: 'Tenant Root Group', details: { parent: null } } });
    for (const name of MG_NAMES) {
      const parent = MG_PARENT[name] ?? tenant;
      await w.managementGroups.write({ id: `${MG}${name}`, type: 'Microsoft.Management/managementGroups', name, properties: { displayName: name, parent: { id: `${MG}${parent}` } } });
    }
    for (const [i, sub] of this.subscriptions.entries()) {
      const parent = this.parents[i];
      await w.managementGroups.write({ id: `${MG}${parent}/subscriptions/${sub}`, type: 'Microsoft.Management/managementGroups/subscriptions', name: sub, properties: { displayName: `sub-${i}`, parent: { id: `${MG}${parent}` } } });
    }
    for (const [i, sub] of this.subscriptions.entries()) {
      await w.subscriptions.write({ id: `/subscriptions/${sub}`, subscriptionId: sub, tenantId: tenant, displayName: `sub-${i}`, state: 'Enabled', authorizationSource: 'RoleBased' });
    }
    for (const def of Object.values(AZURE_ROLE)) {
      await w.roleDefinitions.write({
        id: `${MA}/roleDefinitions/${def.id}`,
        type: 'Microsoft.Authorization/roleDefinitions',
        name: def.id,
        properties: { roleName: def.name, type: 'BuiltInRole', assignableScopes: ['/'], permissions: [{ actions: def.actions, notActions: def.notActions, dataActions: [], notDataActions: [] }] },
      });
    }
    const created = graphTime(env.at - 400 * DAY);
    for (const r of this.roles) {
      const name = r.id.slice(r.id.lastIndexOf('/') + 1);
      const roleDefinitionId = `${r.scope.startsWith('/subscriptions/') ? r.scope : ''}${MA}/roleDefinitions/${r.role}`;
      if (r.eligible) {
        await w.roleEligibilityScheduleInstances.write({
          id: r.id,
          type: 'Microsoft.Authorization/roleEligibilityScheduleInstances',
          name,
          properties: { scope: r.scope, roleDefinitionId, principalId: r.principalId, principalType: r.principalType, status: 'Provisioned', startDateTime: created, endDateTime: r.end === null ? null : graphTime(r.end), memberType: 'Direct' },
        });
      } else {
        await w.roleAssignments.write({
          id: r.id,
          type: 'Microsoft.Authorization/roleAssignments',
          name,
          properties: { roleDefinitionId, principalId: r.principalId, principalType: r.principalType, scope: r.scope, condition: r.condition, conditionVersion: r.condition ? '2.0' : null, createdOn: created, createdBy: null },
        });
      }
    }
    for (const mi of this.identities) {
      await w.userAssignedIdentities.write({ id: mi.id, name: mi.name, type: 'Microsoft.ManagedIdentity/userAssignedIdentities', location: 'westeurope', properties: { tenantId: tenant, principalId: mi.principalId, clientId: mi.clientId } });
      for (const f of mi.fics) {
        await w.managedIdentityFederatedCredentials.write({
          id: `${mi.id}/federatedIdentityCredentials/${f.name}`,
          name: f.name,
          type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
          properties: { issuer: f.issuer, subject: f.subject, audiences: ['api://AzureADTokenExchange'] },
        });
      }
    }
    for (const d of AZURE_DATASETS) await sw.finish(d, 'complete');
  }
}

function azureRoleReachOf(roles: readonly AzureRole[]): { tier0: boolean; priv: boolean } {
  return { tier0: roles.some((r) => !r.eligible && r.tier0), priv: roles.some((r) => !r.eligible && r.priv) };
}
