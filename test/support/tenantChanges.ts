/**
 * Generated changes to a tenant served by the Graph and Okta fakes, the way the services record
 * them: each change updates the fake's data, marks the objects Graph's delta queries must report
 * (GraphDelta), and writes what the services log — a directory audit event for Entra (owners,
 * app role assignments, credentials, disables), a System Log event for Okta (lifecycle,
 * memberships, assignments, privileges). HR changes edit the roster. Deterministic for a seed.
 * Used by the delta equivalence test and the daily-refresh benchmark.
 */
import type { GraphFake } from '../fakes/GraphFake.js';
import type { OktaFake } from '../fakes/OktaFake.js';
import { prng } from '../fakes/syntheticTenants.js';

type Raw = Record<string, unknown>;

export const CHANGE_KINDS = [
  'entra-joiner',
  'entra-disable',
  'entra-reenable',
  'entra-delete',
  'entra-credential-add',
  'entra-credential-remove',
  'entra-owner-add',
  'entra-owner-remove',
  'entra-membership-add',
  'entra-membership-remove',
  'entra-role-assign',
  'entra-role-unassign',
  'entra-app-role-assign',
  'entra-app-role-unassign',
  'entra-grant-remove',
  'okta-joiner',
  'okta-suspend',
  'okta-unsuspend',
  'okta-deactivate',
  'okta-membership-add',
  'okta-membership-remove',
  'okta-app-assign',
  'okta-role-grant',
  'okta-role-revoke',
  'hr-terminate',
  'hr-joiner',
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface TenantUnderChange {
  graph?: GraphFake;
  okta?: OktaFake;
  hr?: Raw[];
}

export class TenantChanges {
  private readonly rand: () => number;
  private n = 0;

  constructor(
    readonly t: TenantUnderChange,
    seed: number,
    /** The clock of the changes (simulated). */
    public now: () => string,
  ) {
    this.rand = prng(seed);
  }

  private pick<T>(list: readonly T[]): T | undefined {
    return list.length ? list[Math.floor(this.rand() * list.length)] : undefined;
  }

  /** A random element satisfying `pred`: a few random tries first (large tenants), then a scan. */
  private pickWhere<T>(list: readonly T[], pred: (x: T) => boolean): T | undefined {
    for (let i = 0; i < 64 && list.length; i++) {
      const x = list[Math.floor(this.rand() * list.length)];
      if (pred(x)) return x;
    }
    return this.pick(list.filter(pred));
  }

  private id(prefix = ''): string {
    const h = () => Math.floor(this.rand() * 0x10000).toString(16).padStart(4, '0');
    return prefix ? `${prefix}${(++this.n).toString(36).padStart(17 - prefix.length, '0')}`.slice(0, 20) : `${h()}${h()}-${h()}-4${h().slice(1)}-a${h().slice(1)}-${h()}${h()}${h()}`;
  }

  private audit(activity: string, targets: { id: string; type: string; name?: string }[]): void {
    const g = this.t.graph!;
    const actor = g.data.users.find((u) => u.accountEnabled !== false);
    g.data.directoryAudits.push({
      id: `Directory_${this.id()}`,
      category: 'ApplicationManagement',
      correlationId: this.id(),
      result: 'success',
      resultReason: '',
      activityDisplayName: activity,
      activityDateTime: this.now(),
      loggedByService: 'Core Directory',
      operationType: 'Update',
      initiatedBy: { app: null, user: actor ? { id: actor.id, displayName: actor.displayName ?? null, userPrincipalName: actor.userPrincipalName ?? null } : null },
      targetResources: targets.map((x) => ({ id: x.id, displayName: x.name ?? null, type: x.type, userPrincipalName: null, modifiedProperties: [] })),
      additionalDetails: [],
    });
  }

  private log(eventType: string, targets: { id: string; type: string }[]): void {
    const o = this.t.okta!;
    o.data.logs.push({
      uuid: `${this.id()}`,
      published: this.now(),
      eventType,
      version: '0',
      severity: 'INFO',
      displayMessage: eventType,
      actor: { id: '00uadmin000000000000', type: 'User', alternateId: 'admin@example.com', displayName: 'Admin' },
      outcome: { result: 'SUCCESS' },
      target: targets.map((x) => ({ id: x.id, type: x.type, alternateId: x.id, displayName: x.id })),
    });
  }

  /** Disable (or re-enable) one Entra user as entra-disable does: the delta query reports it, a disable is audited. */
  setEnabled(id: string, enabled: boolean): string | null {
    const g = this.t.graph!;
    const u = g.data.users.find((x) => String(x.id) === id);
    if (!u || (u.accountEnabled !== false) === enabled) return null;
    u.accountEnabled = enabled;
    g.delta.touch('users', id);
    if (!enabled) this.audit('Disable account', [{ id, type: 'User', name: String(u.userPrincipalName) }]);
    return `entra ${enabled ? 're-enable' : 'disable'} ${u.userPrincipalName}`;
  }

  /** Apply one change of `kind`; returns what it did, or null when the tenant offers nothing to change. */
  apply(kind: ChangeKind): string | null {
    const g = this.t.graph;
    const o = this.t.okta;
    const d = g?.data;
    const od = o?.data;
    switch (kind) {
      case 'entra-joiner': {
        if (!d) return null;
        const model = this.pick(d.users);
        const id = this.id();
        const n = ++this.n;
        const u: Raw = { ...(model ?? {}), id, userPrincipalName: `joiner${n}@contoso.com`, mail: `joiner${n}@contoso.com`, displayName: `Joiner ${n}`, accountEnabled: true, employeeId: `JN${n}`, employeeLeaveDateTime: null, createdDateTime: this.now() };
        d.users.push(u);
        g.delta.touch('users', id);
        const grp = this.pick(d.groups);
        if (grp) this.addMember(String(grp.id), { '@odata.type': '#microsoft.graph.user', id });
        return `entra joiner ${u.userPrincipalName}`;
      }
      case 'entra-disable':
      case 'entra-reenable': {
        if (!d) return null;
        const u = this.pickWhere(d.users, (x) => (kind === 'entra-disable' ? x.accountEnabled !== false : x.accountEnabled === false));
        if (!u) return null;
        u.accountEnabled = kind === 'entra-reenable';
        g.delta.touch('users', String(u.id));
        if (kind === 'entra-disable') this.audit('Disable account', [{ id: String(u.id), type: 'User', name: String(u.userPrincipalName) }]);
        return `entra ${kind === 'entra-disable' ? 'disable' : 're-enable'} ${u.userPrincipalName}`;
      }
      case 'entra-delete': {
        if (!d) return null;
        const u = this.pickWhere(d.users, (x) => x.accountEnabled === false);
        if (!u) return null;
        d.users.splice(d.users.indexOf(u), 1);
        d.deletedUsers.push({ ...u, deletedDateTime: this.now() });
        g.delta.remove('users', String(u.id), 'changed');
        for (const [gid, members] of d.groupMembers) {
          const m = members.find((x) => x.id === u.id);
          if (m) this.removeMember(gid, m);
        }
        for (const a of d.appRoleAssignments.filter((x) => x.principalId === u.id)) {
          d.appRoleAssignments.splice(d.appRoleAssignments.indexOf(a), 1);
          this.audit('Remove app role assignment from user', [{ id: String(a.resourceId), type: 'ServicePrincipal' }, { id: String(u.id), type: 'User' }]);
        }
        return `entra delete ${u.userPrincipalName}`;
      }
      case 'entra-credential-add':
      case 'entra-credential-remove': {
        if (!d) return null;
        const apps = kind === 'entra-credential-add' ? d.applications : d.applications.filter((a) => ((a.passwordCredentials as Raw[]) ?? []).length > 0);
        const app = this.pick(apps);
        if (!app) return null;
        const creds = [...(((app.passwordCredentials as Raw[]) ?? []) as Raw[])];
        if (kind === 'entra-credential-add') {
          creds.push({ keyId: this.id(), displayName: `secret ${this.n}`, hint: 'abc', startDateTime: this.now(), endDateTime: '2028-01-01T00:00:00Z' });
        } else creds.splice(Math.floor(this.rand() * creds.length), 1);
        app.passwordCredentials = creds;
        g.delta.touch('applications', String(app.id));
        this.audit('Update application – Certificates and secrets management ', [{ id: String(app.id), type: 'Application', name: String(app.displayName) }]);
        return `entra ${kind === 'entra-credential-add' ? 'add' : 'remove'} a secret of ${app.displayName}`;
      }
      case 'entra-owner-add':
      case 'entra-owner-remove': {
        if (!d) return null;
        if (kind === 'entra-owner-add') {
          const app = this.pick(d.applications);
          const u = this.pick(d.users);
          if (!app || !u) return null;
          const list = d.applicationOwners.get(String(app.id)) ?? d.applicationOwners.set(String(app.id), []).get(String(app.id))!;
          if (list.some((x) => x.id === u.id)) return null;
          list.push({ '@odata.type': '#microsoft.graph.user', id: u.id });
          this.audit('Add owner to application', [{ id: String(app.id), type: 'Application' }, { id: String(u.id), type: 'User' }]);
          return `entra ${u.userPrincipalName} owns ${app.displayName}`;
        }
        const owned = [...d.applicationOwners.entries()].filter(([, l]) => l.length > 0);
        const e = this.pick(owned);
        if (!e) return null;
        const [appId, list] = e;
        const gone = list.splice(Math.floor(this.rand() * list.length), 1)[0];
        this.audit('Remove owner from application', [{ id: appId, type: 'Application' }, { id: String(gone.id), type: 'User' }]);
        return `entra ${gone.id} no longer owns ${appId}`;
      }
      case 'entra-membership-add':
      case 'entra-membership-remove': {
        if (!d) return null;
        const grp = this.pick(d.groups);
        if (!grp) return null;
        const members = d.groupMembers.get(String(grp.id)) ?? d.groupMembers.set(String(grp.id), []).get(String(grp.id))!;
        if (kind === 'entra-membership-add') {
          const u = this.pickWhere(d.users, (x) => !members.some((m) => m.id === x.id));
          if (!u) return null;
          this.addMember(String(grp.id), { '@odata.type': '#microsoft.graph.user', id: u.id });
          return `entra ${u.userPrincipalName} joins ${grp.displayName}`;
        }
        const m = this.pick(members);
        if (!m) return null;
        this.removeMember(String(grp.id), m);
        return `entra ${m.id} leaves ${grp.displayName}`;
      }
      case 'entra-role-assign':
      case 'entra-role-unassign': {
        if (!d) return null;
        if (kind === 'entra-role-assign') {
          const u = this.pick(d.users);
          const def = this.pick(d.roleDefinitions);
          if (!u || !def) return null;
          d.roleAssignments.push({ id: `ra-${this.id()}`, principalId: u.id, roleDefinitionId: def.id, directoryScopeId: '/', appScopeId: null });
          return `entra role ${def.displayName} for ${u.userPrincipalName}`;
        }
        const a = this.pick(d.roleAssignments);
        if (!a) return null;
        d.roleAssignments.splice(d.roleAssignments.indexOf(a), 1);
        return `entra role assignment ${a.id} removed`;
      }
      case 'entra-app-role-assign':
      case 'entra-app-role-unassign': {
        if (!d) return null;
        if (kind === 'entra-app-role-assign') {
          const sp = this.pickWhere(d.servicePrincipals, (s) => ((s.appRoles as Raw[]) ?? []).length > 0);
          const u = this.pick(d.users);
          if (!sp || !u) return null;
          const role = this.pick(sp.appRoles as Raw[])!;
          d.appRoleAssignments.push({
            id: `ara${this.id().replace(/-/g, '')}`,
            appRoleId: role.id,
            principalId: u.id,
            principalType: 'User',
            principalDisplayName: u.displayName,
            resourceId: sp.id,
            resourceDisplayName: sp.displayName,
            createdDateTime: this.now(),
          });
          this.audit('Add app role assignment grant to user', [{ id: String(sp.id), type: 'ServicePrincipal' }, { id: String(u.id), type: 'User' }]);
          return `entra app role of ${sp.displayName} for ${u.userPrincipalName}`;
        }
        const a = this.pick(d.appRoleAssignments);
        if (!a) return null;
        d.appRoleAssignments.splice(d.appRoleAssignments.indexOf(a), 1);
        this.audit(a.principalType === 'ServicePrincipal' ? 'Remove app role assignment from service principal' : 'Remove app role assignment from user', [
          { id: String(a.resourceId), type: 'ServicePrincipal' },
          { id: String(a.principalId), type: String(a.principalType ?? 'User') },
        ]);
        return `entra app role assignment ${a.id} removed`;
      }
      case 'entra-grant-remove': {
        if (!d) return null;
        const gr = this.pick(d.oauth2PermissionGrants);
        if (!gr) return null;
        d.oauth2PermissionGrants.splice(d.oauth2PermissionGrants.indexOf(gr), 1);
        g.delta.remove('oauth2PermissionGrants', String(gr.id));
        return `entra consent ${gr.id} revoked`;
      }
      case 'okta-joiner': {
        if (!od) return null;
        const model = this.pick(od.users);
        const id = this.id('00u');
        const n = this.n;
        od.users.push({
          ...(model ?? {}),
          id,
          status: 'ACTIVE',
          created: this.now(),
          statusChanged: this.now(),
          lastUpdated: this.now(),
          profile: { ...((model?.profile as Raw) ?? {}), login: `okta.joiner${n}@example.com`, email: `okta.joiner${n}@example.com`, firstName: 'Okta', lastName: `Joiner${n}`, employeeNumber: `OJ${n}` },
        });
        this.log('user.lifecycle.create', [{ id, type: 'User' }]);
        return `okta joiner ${id}`;
      }
      case 'okta-suspend':
      case 'okta-unsuspend':
      case 'okta-deactivate': {
        if (!od) return null;
        const from = kind === 'okta-unsuspend' ? 'SUSPENDED' : 'ACTIVE';
        const u = this.pickWhere(od.users, (x) => x.status === from);
        if (!u) return null;
        u.status = kind === 'okta-suspend' ? 'SUSPENDED' : kind === 'okta-unsuspend' ? 'ACTIVE' : 'DEPROVISIONED';
        u.statusChanged = this.now();
        u.lastUpdated = this.now();
        const uid = String(u.id);
        this.log(kind === 'okta-suspend' ? 'user.lifecycle.suspend' : kind === 'okta-unsuspend' ? 'user.lifecycle.unsuspend' : 'user.lifecycle.deactivate', [{ id: uid, type: 'User' }]);
        if (kind === 'okta-deactivate') {
          // Okta's deactivation removes direct app assignments and admin roles (group memberships stay).
          for (const [appId, list] of od.appUsers) {
            const i = list.findIndex((au) => au.id === uid && au.scope !== 'GROUP');
            if (i >= 0) list.splice(i, 1);
            void appId;
          }
          od.userRoles.delete(uid);
        }
        return `okta ${kind.slice(5)} ${uid}`;
      }
      case 'okta-membership-add':
      case 'okta-membership-remove': {
        if (!od) return null;
        const grp = this.pick(od.groups);
        if (!grp) return null;
        const members = od.groupMembers.get(String(grp.id)) ?? od.groupMembers.set(String(grp.id), []).get(String(grp.id))!;
        if (kind === 'okta-membership-add') {
          const u = this.pickWhere(od.users, (x) => !members.includes(String(x.id)));
          if (!u) return null;
          members.push(String(u.id));
          this.log('group.user_membership.add', [{ id: String(u.id), type: 'User' }, { id: String(grp.id), type: 'UserGroup' }]);
          return `okta ${u.id} joins group ${grp.id}`;
        }
        const uid = this.pick(members);
        if (!uid) return null;
        members.splice(members.indexOf(uid), 1);
        this.log('group.user_membership.remove', [{ id: uid, type: 'User' }, { id: String(grp.id), type: 'UserGroup' }]);
        return `okta ${uid} leaves group ${grp.id}`;
      }
      case 'okta-app-assign': {
        if (!od) return null;
        const app = this.pick(od.apps);
        const u = this.pickWhere(od.users, (x) => x.status === 'ACTIVE');
        if (!app || !u) return null;
        const list = od.appUsers.get(String(app.id)) ?? od.appUsers.set(String(app.id), []).get(String(app.id))!;
        if (list.some((au) => au.id === u.id)) return null;
        list.push({ id: u.id, externalId: null, scope: 'USER', status: 'ACTIVE', created: this.now(), credentials: { userName: (u.profile as Raw).login }, _links: {} });
        this.log('application.user_membership.add', [{ id: String(u.id), type: 'User' }, { id: String(app.id), type: 'AppInstance' }]);
        return `okta ${u.id} assigned to ${app.label}`;
      }
      case 'okta-role-grant':
      case 'okta-role-revoke': {
        if (!od) return null;
        if (kind === 'okta-role-grant') {
          const u = this.pickWhere(od.users, (x) => x.status === 'ACTIVE');
          if (!u) return null;
          const roles = od.userRoles.get(String(u.id)) ?? od.userRoles.set(String(u.id), []).get(String(u.id))!;
          roles.push({ id: `ra${this.id('1')}`.slice(0, 20), label: 'Organization Administrator', type: 'ORG_ADMIN', status: 'ACTIVE', assignmentType: 'USER', created: this.now(), lastUpdated: this.now() });
          this.log('user.account.privilege.grant', [{ id: String(u.id), type: 'User' }]);
          return `okta ORG_ADMIN for ${u.id}`;
        }
        const e = this.pick([...od.userRoles.entries()].filter(([, l]) => l.length > 0));
        if (!e) return null;
        e[1].splice(0, 1);
        this.log('user.account.privilege.revoke', [{ id: e[0], type: 'User' }]);
        return `okta role revoked from ${e[0]}`;
      }
      case 'hr-terminate': {
        const hr = this.t.hr;
        const p = hr ? this.pickWhere(hr, (x) => x.status === 'active') : undefined;
        if (!p) return null;
        p.status = 'terminated';
        p.terminationDate = this.now().slice(0, 10);
        return `hr terminate ${p.employeeId ?? p.email}`;
      }
      case 'hr-joiner': {
        const hr = this.t.hr;
        if (!hr) return null;
        const n = ++this.n;
        hr.push({ employeeId: `HRJ${n}`, email: `hr.joiner${n}@contoso.com`, displayName: `Hr Joiner ${n}`, status: 'active', terminationDate: null });
        return `hr joiner HRJ${n}`;
      }
    }
  }

  private addMember(groupId: string, ref: Raw): void {
    const d = this.t.graph!.data;
    const list = d.groupMembers.get(groupId) ?? d.groupMembers.set(groupId, []).get(groupId)!;
    list.push(ref);
    this.t.graph!.delta.addMember(groupId, ref);
  }

  private removeMember(groupId: string, ref: Raw): void {
    const d = this.t.graph!.data;
    const list = d.groupMembers.get(groupId) ?? [];
    const i = list.findIndex((m) => m.id === ref.id);
    if (i >= 0) list.splice(i, 1);
    this.t.graph!.delta.removeMember(groupId, ref);
  }
}
