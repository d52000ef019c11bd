/**
 * Writes the `entra/` source folder of a synthetic tenant through SourceWriter: every dataset of
 * the collection format, in the shapes Microsoft Graph returns (see ../../shared/scenarios),
 * streamed line by line. Background bulk (users, group members, user app role assignments,
 * consents) is expanded from stride selections while writing; planted leaver objects come from
 * the model. Directory audits (30 days) are collected, sorted newest first as Graph lists them,
 * and written last.
 */
import type { DatasetWriter, SourceWriter } from '../collection/SourceWriter.js';
import { ENTRA_DATASETS } from '../entra/datasets.js';
import { ACTIVITY, BUILT_IN_ROLES, GRAPH_APP_ID } from './catalogue.js';
import { DAY, HOUR, MINUTE, graphTime, wholeSeconds } from './clock.js';
import { AUDIT_DAYS } from './EntraPlanter.js';
import type { Cred, EntraAccount, EntraApp, EntraGroup, LeaverPerson, Ref } from './model.js';
import { APP_WORDS } from './names.js';
import { F_ALT, F_ENTRA, F_GUEST, F_LEAVE_FUTURE, F_MAILCAPS, F_REENABLED, F_SYNCED } from './People.js';
import { Prng } from './prng.js';
import type { SynthEnv } from './SynthEnv.js';
import { selAt } from './SynthEnv.js';
import type { TenantPlan } from './TenantPlan.js';

type Writers = Record<(typeof ENTRA_DATASETS)[number], DatasetWriter>;

const ODATA: Record<Ref['type'], string> = {
  user: '#microsoft.graph.user',
  group: '#microsoft.graph.group',
  servicePrincipal: '#microsoft.graph.servicePrincipal',
  device: '#microsoft.graph.device',
};

/** A groupMembers line as an object (key order is the line's). */
function memberObject(groupId: string, type: string, id: unknown): Record<string, unknown> {
  return { groupId, member: { '@odata.type': type, id } };
}

/** The JSON text of `memberObject(groupId, type, id)` up to the member id's value. */
function memberPrefix(groupId: string, type: string): string {
  return `{"groupId":${JSON.stringify(groupId)},"member":{"@odata.type":${JSON.stringify(type)},"id":`;
}

interface AuditLine {
  time: number;
  line: Record<string, unknown>;
}

function passwordCredential(c: Cred): Record<string, unknown> {
  return {
    customKeyIdentifier: null,
    displayName: c.displayName,
    endDateTime: c.end === null ? null : graphTime(c.end),
    hint: c.hint,
    keyId: c.keyId,
    secretText: null,
    startDateTime: graphTime(c.start),
  };
}

function keyCredential(c: Cred): Record<string, unknown> {
  return {
    customKeyIdentifier: c.thumbprint,
    displayName: c.displayName,
    endDateTime: c.end === null ? null : graphTime(c.end),
    key: null,
    keyId: c.keyId,
    startDateTime: graphTime(c.start),
    type: 'AsymmetricX509Cert',
    usage: c.usage,
  };
}

export class EntraWriter {
  private w!: Writers;
  private audits: AuditLine[] = [];
  private araCounter = 0;
  private readonly byP = new Map<number, LeaverPerson[]>();
  private readonly accounts: EntraAccount[] = [];

  constructor(
    readonly env: SynthEnv,
    readonly plan: TenantPlan,
    readonly persons: readonly LeaverPerson[],
  ) {
    for (const person of persons) {
      const list = this.byP.get(person.p) ?? [];
      list.push(person);
      this.byP.set(person.p, list);
      this.accounts.push(...person.entra);
    }
  }

  async write(sw: SourceWriter): Promise<void> {
    this.w = Object.fromEntries(ENTRA_DATASETS.map((d) => [d, sw.dataset(d)])) as Writers;
    await this.users();
    await this.groups();
    await this.apps();
    await this.appRoleAssignments();
    await this.grants();
    await this.roles();
    await this.auditLines();
    for (const d of ENTRA_DATASETS) await sw.finish(d, 'complete');
  }

  // ------------------------------------------------------------------------------------------

  private userLine(u: {
    id: string;
    upn: string;
    displayName: string;
    mail: string | null;
    enabled: boolean;
    userType: string;
    employeeId: string | null;
    leave: number | null;
    synced: boolean | null;
    sessions: number | null;
    created: number;
  }): Record<string, unknown> {
    const guest = u.userType === 'Guest';
    return {
      id: u.id,
      userPrincipalName: u.upn,
      displayName: u.displayName,
      mail: u.mail,
      accountEnabled: u.enabled,
      userType: u.userType,
      employeeId: u.employeeId,
      employeeLeaveDateTime: u.leave === null ? null : graphTime(u.leave),
      onPremisesSyncEnabled: u.synced,
      signInSessionsValidFromDateTime: u.sessions === null ? null : graphTime(u.sessions),
      createdDateTime: graphTime(u.created),
      identities: guest
        ? [{ signInType: 'federated', issuer: 'ExternalAzureAD', issuerAssignedId: null }]
        : [{ signInType: 'userPrincipalName', issuer: this.env.domain, issuerAssignedId: u.upn }],
      externalUserState: guest ? 'Accepted' : null,
    };
  }

  private leaverLine(a: EntraAccount): Record<string, unknown> {
    const line = this.userLine({
      id: a.id,
      upn: a.upn,
      displayName: a.displayName,
      mail: a.mail,
      enabled: a.enabled,
      userType: a.userType,
      employeeId: a.employeeId,
      leave: a.leaveDate,
      synced: a.synced,
      sessions: a.sessionsValidFrom,
      created: a.created,
    });
    if (a.deleted) line.deletedDateTime = graphTime(a.deletedAt!);
    return line;
  }

  private async users(): Promise<void> {
    const { env } = this;
    const ppl = env.people;
    const h = env.h;
    const at = env.at;
    for (let p = 0; p < ppl.n; p++) {
      if (ppl.isLeaver[p]) {
        for (const person of this.byP.get(p) ?? []) {
          for (const a of person.entra) await (a.deleted ? this.w.deletedUsers : this.w.users).write(this.leaverLine(a));
        }
        continue;
      }
      const f = ppl.flags[p];
      if (!(f & F_ENTRA)) continue;
      const name = ppl.name(p);
      const created = wholeSeconds(at - (60 + h.int('ucreated', p, 3000)) * DAY - h.int('ucreatedsec', p, 86400) * 1000);
      const sessions = h.unit('usessions', p) < 0.5 ? null : wholeSeconds(at - (1 + h.int('usessionsd', p, 400)) * DAY);
      if (f & F_GUEST) {
        const mail = ppl.guestMail(p);
        await this.w.users.write(
          this.userLine({ id: ppl.entraId[p], upn: ppl.guestUpn(p), displayName: name.display, mail, enabled: true, userType: 'Guest', employeeId: null, leave: null, synced: null, sessions, created }),
        );
        continue;
      }
      const mail = ppl.mail(p);
      await this.w.users.write(
        this.userLine({
          id: ppl.entraId[p],
          upn: mail,
          displayName: name.display,
          mail: f & F_MAILCAPS ? ppl.capitalised(mail) : mail,
          enabled: true,
          userType: 'Member',
          employeeId: ppl.employeeId(p),
          leave: f & F_LEAVE_FUTURE ? wholeSeconds(at + (1 + h.int('leavefuture', p, 90)) * DAY) : null,
          synced: f & F_SYNCED ? true : null,
          sessions,
          created,
        }),
      );
      if (f & F_ALT) {
        await this.w.users.write(
          this.userLine({ id: ppl.altId(p), upn: ppl.altUpn(p), displayName: `${name.display} (admin)`, mail: null, enabled: true, userType: 'Member', employeeId: ppl.employeeId(p), leave: null, synced: null, sessions: null, created: created + 30 * DAY }),
        );
      }
      if (f & F_REENABLED) {
        // A leave of absence inside the audit window: disabled, then enabled again.
        const t = wholeSeconds(at - (5 + h.int('reenabled', p, AUDIT_DAYS - 10)) * DAY);
        const admin = this.plan.entraAdmins[h.int('reenabledby', p, this.plan.entraAdmins.length)];
        this.userEvent(ACTIVITY.disable, t, admin, ppl.entraId[p], mail, '[true]', '[false]');
        this.userEvent(ACTIVITY.enable, t + (1 + h.int('reenabledays', p, 4)) * DAY, admin, ppl.entraId[p], mail, '[false]', '[true]');
      }
    }
    // Service accounts: no person, no employee id, enabled.
    const svc = Math.max(2, Math.round(ppl.n / 400));
    for (let k = 0; k < svc; k++) {
      const upn = `svc-${APP_WORDS[k % APP_WORDS.length]}${k}@${env.domain}`;
      await this.w.users.write(
        this.userLine({ id: env.ids.guid('svcuser', k), upn, displayName: `Service ${APP_WORDS[k % APP_WORDS.length]} ${k}`, mail: null, enabled: true, userType: 'Member', employeeId: null, leave: null, synced: null, sessions: null, created: at - (400 + k) * DAY }),
      );
    }
  }

  // ------------------------------------------------------------------------------------------

  private space(kind: NonNullable<EntraGroup['sel']>['space'], key: number): Int32Array {
    const ppl = this.env.people;
    if (kind === 'member') return ppl.bgMember;
    if (kind === 'guest') return ppl.bgGuest;
    if (kind === 'dept') return ppl.deptSpace[key];
    return ppl.siteSpace[key];
  }

  private async groups(): Promise<void> {
    const { env, plan } = this;
    const ids = env.people.entraId;
    for (const g of plan.groups) {
      const line: Record<string, unknown> = {
        id: g.id,
        displayName: g.name,
        description: g.description,
        securityEnabled: g.securityEnabled,
        mailEnabled: g.mailEnabled,
        groupTypes: g.groupTypes,
        isAssignableToRole: g.isAssignableToRole,
        createdDateTime: graphTime(g.created),
      };
      if (g.membershipRule) {
        line.membershipRule = g.membershipRule;
        line.membershipRuleProcessingState = 'On';
      }
      await this.w.groups.write(line);
      const members = this.w.groupMembers;
      if (g.sel) {
        const space = this.space(g.sel.space, g.sel.key);
        const len = space.length;
        // The bulk of every collection (two thirds of its lines): each line is built from the
        // group's fixed prefix — the text JSON.stringify gives for the object in `memberObject`.
        const prefix = memberPrefix(g.id, ODATA.user);
        for (let i = 0; i < g.sel.size; i++) {
          const id = ids[space[selAt(g.sel, len, i)]];
          if (typeof id === 'string') {
            const full = members.writeLine(`${prefix}${JSON.stringify(id)}}}`);
            if (full) await full;
          } else await members.write(memberObject(g.id, ODATA.user, id));
        }
      }
      for (const ref of g.explicit) await members.write({ groupId: g.id, member: { '@odata.type': ODATA[ref.type], id: ref.id } });
      for (let k = 0; k < g.deviceCount; k++) await members.write({ groupId: g.id, member: { '@odata.type': ODATA.device, id: env.ids.guid('device', k) } });
      for (const id of g.planted) await members.write({ groupId: g.id, member: { '@odata.type': ODATA.user, id } });
      for (const ref of g.owners) await this.w.groupOwners.write({ groupId: g.id, owner: { '@odata.type': ODATA[ref.type], id: ref.id } });
    }
  }

  // ------------------------------------------------------------------------------------------

  private async apps(): Promise<void> {
    const { plan } = this;
    for (const app of plan.apps) {
      if (app.appObjectId) {
        const rra =
          app.graphPerms.length > 0
            ? [{ resourceAppId: GRAPH_APP_ID, resourceAccess: app.graphPerms.map((g) => ({ id: g.roleId, type: 'Role' })) }]
            : [];
        await this.w.applications.write({
          id: app.appObjectId,
          appId: app.appId,
          displayName: app.name,
          signInAudience: app.signInAudience,
          createdDateTime: graphTime(app.created),
          passwordCredentials: app.appCreds.filter((c) => c.kind === 'secret').map(passwordCredential),
          keyCredentials: app.appCreds.filter((c) => c.kind === 'cert').map(keyCredential),
          requiredResourceAccess: rra,
        });
        for (const o of app.appOwners) await this.w.applicationOwners.write({ applicationId: app.appObjectId, owner: { '@odata.type': ODATA[o.type], id: o.id } });
        for (const f of app.fics) {
          await this.w.federatedIdentityCredentials.write({
            applicationId: app.appObjectId,
            credential: {
              '@odata.type': '#microsoft.graph.federatedIdentityCredential',
              id: f.id,
              name: f.name,
              issuer: f.issuer,
              subject: f.subject,
              audiences: ['api://AzureADTokenExchange'],
              description: f.description,
            },
          });
        }
      }
      const sp: Record<string, unknown> = {
        id: app.spId,
        appId: app.appId,
        displayName: app.name,
        servicePrincipalType: app.kind === 'managedIdentity' ? 'ManagedIdentity' : 'Application',
        accountEnabled: true,
        appOwnerOrganizationId: app.appOwnerOrganizationId,
        appRoles: app.exposes.map((e) => ({ id: e.id, value: e.value, displayName: e.displayName, allowedMemberTypes: e.allowedMemberTypes, isEnabled: true })),
        passwordCredentials: app.spCreds.filter((c) => c.kind === 'secret').map(passwordCredential),
        keyCredentials: app.spCreds.filter((c) => c.kind === 'cert').map(keyCredential),
      };
      if (app.tags.length) sp.tags = app.tags;
      await this.w.servicePrincipals.write(sp);
      for (const o of app.spOwners) await this.w.servicePrincipalOwners.write({ servicePrincipalId: app.spId, owner: { '@odata.type': ODATA[o.type], id: o.id } });
    }
  }

  private assignmentLine(id: string, roleId: string, created: number, principal: string, principalId: string, principalType: string, resource: EntraApp | { name: string; spId: string }): Record<string, unknown> {
    return {
      id,
      appRoleId: roleId,
      createdDateTime: graphTime(created),
      principalDisplayName: principal,
      principalId,
      principalType,
      resourceDisplayName: resource.name,
      resourceId: resource.spId,
    };
  }

  private async appRoleAssignments(): Promise<void> {
    const { env, plan } = this;
    const ppl = env.people;
    const w = this.w.appRoleAssignments;
    const at = env.at;
    for (const app of plan.apps) {
      for (const g of [...app.graphPerms, ...app.otherPerms]) {
        await w.write(this.assignmentLine(g.id, g.roleId, app.created + DAY, app.name, app.spId, 'ServicePrincipal', { name: g.resourceName, spId: g.resourceSpId }));
      }
    }
    for (const [k, app] of plan.apps.entries()) {
      if (app.userAssign) {
        const s = app.userAssign;
        const len = ppl.bgMember.length;
        for (let i = 0; i < s.size; i++) {
          const p = ppl.bgMember[selAt(s, len, i)];
          const created = wholeSeconds(at - (1 + env.h.int('ucreated:ara', p, 900, k)) * DAY);
          await w.write(this.assignmentLine(env.ids.graphKey('ara:u', this.araCounter++), s.roleId, created, ppl.name(p).display, ppl.entraId[p], 'User', app));
        }
      }
      for (const g of app.groupAssign) await w.write(this.assignmentLine(g.id, g.roleId, app.created + 2 * DAY, g.groupName, g.groupId, 'Group', app));
    }
    for (const a of this.accounts) {
      for (const x of a.appAssignments) await w.write(this.assignmentLine(x.id, x.roleId, x.created, a.displayName, a.id, 'User', x.app));
    }
  }

  private async grants(): Promise<void> {
    const { env, plan } = this;
    const ppl = env.people;
    const w = this.w.oauth2PermissionGrants;
    let n = 0;
    for (const app of plan.apps) {
      if (app.allPrincipalsGrant) {
        const g = app.allPrincipalsGrant;
        await w.write({ id: g.id, clientId: app.spId, consentType: 'AllPrincipals', principalId: null, resourceId: g.resourceSpId, scope: g.scope });
      }
      if (app.principalGrants) {
        const s = app.principalGrants;
        const len = ppl.bgMember.length;
        for (let i = 0; i < s.size; i++) {
          const p = ppl.bgMember[selAt(s, len, i)];
          await w.write({ id: env.ids.graphKey('grant:u', n++), clientId: app.spId, consentType: 'Principal', principalId: ppl.entraId[p], resourceId: s.resourceSpId, scope: s.scope });
        }
      }
    }
    for (const a of this.accounts) {
      for (const g of a.grants) await w.write({ id: g.id, clientId: g.client.spId, consentType: 'Principal', principalId: a.id, resourceId: g.resourceSpId, scope: g.scope });
    }
  }

  private async roles(): Promise<void> {
    const { plan } = this;
    for (const r of BUILT_IN_ROLES) {
      await this.w.roleDefinitions.write({ id: r.template, displayName: r.name, templateId: r.template, isBuiltIn: true, isEnabled: true });
    }
    for (const c of plan.customRoles) {
      await this.w.roleDefinitions.write({ id: c.id, displayName: c.name, description: c.description, templateId: c.id, isBuiltIn: false, isEnabled: true });
    }
    const ra = (r: { id: string; principalId: string; template: string; scope: string }) =>
      this.w.roleAssignments.write({ id: r.id, principalId: r.principalId, roleDefinitionId: r.template, directoryScopeId: r.scope });
    for (const r of plan.roleAssignments) await ra(r);
    for (const a of this.accounts) for (const r of a.roles) await ra(r);
    const el = (e: { id: string; principalId: string; template: string; scope: string; start: number; end: number | null }) =>
      this.w.roleEligibilitySchedules.write({
        id: e.id,
        principalId: e.principalId,
        roleDefinitionId: e.template,
        directoryScopeId: e.scope,
        appScopeId: null,
        memberType: 'Direct',
        status: 'Provisioned',
        createdUsing: e.id,
        createdDateTime: graphTime(e.start),
        modifiedDateTime: null,
        scheduleInfo: {
          startDateTime: graphTime(e.start),
          recurrence: null,
          expiration: e.end === null ? { type: 'noExpiration', endDateTime: null, duration: null } : { type: 'afterDateTime', endDateTime: graphTime(e.end), duration: null },
        },
      });
    for (const e of plan.eligibilities) await el(e);
    for (const a of this.accounts) for (const e of a.eligibilities) await el(e);
  }

  // ------------------------------------------------------------------------------------------
  // Directory audits

  private audit(time: number, activity: string, category: string, initiator: { id: string; displayName: string; upn: string }, targets: Record<string, unknown>[]): void {
    const n = this.env.next('audit:line');
    this.audits.push({
      time,
      line: {
        id: this.env.ids.auditId(n),
        category,
        correlationId: this.env.ids.guid('audit:correlation', n),
        result: 'success',
        resultReason: '',
        activityDisplayName: activity,
        activityDateTime: graphTime(time),
        loggedByService: 'Core Directory',
        operationType: activity.startsWith('Add') ? 'Add' : 'Update',
        initiatedBy: { app: null, user: { id: initiator.id, displayName: initiator.displayName, userPrincipalName: initiator.upn, ipAddress: '203.0.113.7' } },
        targetResources: targets,
        additionalDetails: [],
      },
    });
  }

  private userEvent(activity: string, time: number, admin: { id: string; upn: string }, userId: string, upn: string, oldV: string, newV: string): void {
    this.audit(time, activity, 'UserManagement', { id: admin.id, displayName: 'IT Admin', upn: admin.upn }, [
      { id: userId, displayName: null, type: 'User', userPrincipalName: upn, modifiedProperties: [{ displayName: 'AccountEnabled', oldValue: oldV, newValue: newV }] },
    ]);
  }

  private keyText(keys: string[], creds: Cred[], upper: boolean): string {
    if (!keys.length) return '[]';
    return JSON.stringify(
      keys.map((k) => {
        const c = creds.find((x) => x.keyId === k);
        const type = c?.kind === 'cert' ? 'AsymmetricX509Cert' : 'Password';
        return `[KeyIdentifier=${upper ? k.toUpperCase() : k},KeyType=${type},KeyUsage=Verify,DisplayName=${c?.displayName ?? 'x'}]`;
      }),
    );
  }

  private async auditLines(): Promise<void> {
    const { env, plan } = this;
    const at = env.at;
    const r = new Prng(env.seed, 'audits');
    const admins = plan.entraAdmins;
    const adminOf = () => r.pick(admins);
    // Planted: disables (and re-enables) of leaver accounts, credential events by leavers.
    for (const a of this.accounts) {
      for (const t of a.disableEvents) this.userEvent(ACTIVITY.disable, t, adminOf(), a.id, a.upn, '[true]', '[false]');
      for (const t of a.enableEvents) this.userEvent(ACTIVITY.enable, t, adminOf(), a.id, a.upn, '[false]', '[true]');
      for (const ev of a.credEvents) {
        const creds = ev.targetType === 'Application' ? ev.target.appCreds : ev.target.spCreds;
        const upper = ev.upperCaseKeys;
        this.audit(ev.time, ev.activity, 'ApplicationManagement', { id: a.id, displayName: a.displayName, upn: a.upn }, [
          {
            id: ev.targetType === 'Application' ? ev.target.appObjectId : ev.target.spId,
            displayName: ev.target.name,
            type: ev.targetType,
            modifiedProperties: [
              { displayName: 'KeyDescription', oldValue: this.keyText(ev.oldKeys, creds, upper), newValue: this.keyText(ev.newKeys, creds, upper) },
              { displayName: 'Included Updated Properties', oldValue: null, newValue: '"KeyDescription"' },
            ],
          },
        ]);
      }
    }
    // Background noise: everyday changes by background admins on background objects.
    const ppl = env.people;
    const noise = Math.max(20, Math.round(ppl.n / 20));
    const windowStart = at - AUDIT_DAYS * DAY + HOUR;
    for (let k = 0; k < noise; k++) {
      const t = wholeSeconds(windowStart + r.unit() * (at - MINUTE - windowStart));
      const admin = adminOf();
      const initiator = { id: admin.id, displayName: 'IT Admin', upn: admin.upn };
      const x = r.unit();
      const p = ppl.bgMember.length ? ppl.bgMember[r.int(ppl.bgMember.length)] : -1;
      if (x < 0.5 && p >= 0) {
        const activity = r.pick([ACTIVITY.updateUser, ACTIVITY.resetPassword]);
        this.audit(t, activity, 'UserManagement', initiator, [
          { id: ppl.entraId[p], displayName: null, type: 'User', userPrincipalName: ppl.mail(p), modifiedProperties: [] },
        ]);
      } else if (x < 0.8 && p >= 0) {
        const g = plan.pickZipfGroup(r);
        this.audit(t, ACTIVITY.addMember, 'GroupManagement', initiator, [
          { id: ppl.entraId[p], displayName: null, type: 'User', userPrincipalName: ppl.mail(p), modifiedProperties: [] },
          { id: g.id, displayName: g.name, type: 'Group', modifiedProperties: [{ displayName: 'Group.DisplayName', oldValue: null, newValue: JSON.stringify(g.name) }] },
        ]);
      } else if (x < 0.93) {
        const app = r.pick(plan.registrations);
        const keys = app.appCreds.map((c) => c.keyId);
        this.audit(t, r.chance(0.5) ? ACTIVITY.appCertsAndSecrets : ACTIVITY.updateApplication, 'ApplicationManagement', initiator, [
          {
            id: app.appObjectId,
            displayName: app.name,
            type: 'Application',
            modifiedProperties: [
              { displayName: 'KeyDescription', oldValue: this.keyText(keys, app.appCreds, false), newValue: this.keyText(keys, app.appCreds, false) },
              { displayName: 'Included Updated Properties', oldValue: null, newValue: '"KeyDescription"' },
            ],
          },
        ]);
      } else {
        const sp = r.pick(plan.gallery);
        this.audit(t, ACTIVITY.consent, 'ApplicationManagement', initiator, [
          { id: sp.spId, displayName: sp.name, type: 'ServicePrincipal', modifiedProperties: [{ displayName: 'ConsentAction.Permissions', oldValue: null, newValue: '"User.Read"' }] },
        ]);
      }
    }
    this.audits.sort((a, b) => b.time - a.time || (String(a.line.id) < String(b.line.id) ? -1 : 1));
    for (const a of this.audits) await this.w.directoryAudits.write(a.line);
    this.audits = [];
  }
}
