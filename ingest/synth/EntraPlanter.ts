/**
 * Plants what a leaver holds in Entra: the account itself (enabled or not, deleted, leave date,
 * sync, session revocation, Disable account audit events), direct group memberships, directory
 * roles and PIM eligibilities (some expired), app role assignments, consents, owned app
 * registrations and service principals with their secrets, certificates and federated
 * credentials (some expired, some added after the departure, some with an active co-owner),
 * owned groups, and credentials the leaver added to other people's apps (with the audit event
 * that shows it). Every object is recorded on the account so that the ground truth can be
 * derived from exactly what was planted; nothing here decides a finding.
 */
import {
  ACTIVITY,
  COMMON_ADMIN_ROLES,
  DEFAULT_APP_ROLE,
  EXCHANGE,
  GRAPH_READ_PERMISSIONS,
  GRAPH_TIER0_PERMISSIONS,
  ROLE,
  type RoleDef,
  TIER0_ROLES,
} from './catalogue.js';
import { DAY, HOUR, MINUTE, SECOND } from './clock.js';
import type { Cred, EntraAccount, EntraApp, EntraGroup, Ref } from './model.js';
import { APP_SUFFIXES, APP_WORDS, GROUP_THEMES } from './names.js';
import type { Prng } from './prng.js';
import type { SynthEnv } from './SynthEnv.js';
import type { TenantPlan } from './TenantPlan.js';

/** Audit retention the synthetic tenant keeps (`directoryAudits` holds 30 days). */
export const AUDIT_DAYS = 30;

export interface EntraAccountSpec {
  id: string;
  upn: string;
  mail: string | null;
  first: string;
  last: string;
  employeeId: string | null;
  userType: 'Member' | 'Guest';
  department: string | null;
}

/** What a planted app's service principal can do: nothing, read, another API, tier 0, a role. */
export type ReachKind = 'none' | 'read' | 'other' | 'tier0' | 'role0' | 'roleScoped';

export class EntraPlanter {
  /** Planted apps owned only by disabled leavers: candidates for a second departed owner. */
  readonly soleOwned: EntraApp[] = [];

  constructor(
    readonly env: SynthEnv,
    readonly plan: TenantPlan,
  ) {}

  account(spec: EntraAccountSpec, created: number): EntraAccount {
    return {
      source: 'entra',
      id: spec.id,
      upn: spec.upn,
      mail: spec.mail,
      displayName: `${spec.first} ${spec.last}`,
      givenName: spec.first,
      surname: spec.last,
      employeeId: spec.employeeId,
      userType: spec.userType,
      enabled: true,
      deleted: false,
      deletedAt: null,
      leaveDate: null,
      synced: null,
      sessionsValidFrom: null,
      disableEvents: [],
      enableEvents: [],
      created,
      department: spec.department,
      groups: [],
      roles: [],
      eligibilities: [],
      appAssignments: [],
      grants: [],
      ownedApps: [],
      ownedSps: [],
      ownedGroups: [],
      credEvents: [],
    };
  }

  /** Disable at D0; the audit log keeps the event when it is recent enough. */
  disable(r: Prng, a: EntraAccount, d0: number): void {
    const at = this.env.at;
    a.enabled = false;
    if (at - d0 < AUDIT_DAYS * DAY - HOUR) {
      if (r.chance(0.1) && at - d0 < 20 * DAY) {
        // An earlier disable and re-enable (a leave of absence): D is the latest disable.
        const first = d0 - r.range(2, 8) * DAY;
        if (at - first < AUDIT_DAYS * DAY - HOUR) {
          a.disableEvents.push(first);
          a.enableEvents.push(first + r.range(1, 2) * DAY - HOUR);
        }
      }
      a.disableEvents.push(d0);
    }
  }

  /** signInSessionsValidFromDateTime: never revoked, revoked long before, right after, or at D0. */
  sessions(r: Prng, a: EntraAccount, d0: number, variant?: 'null' | 'before' | 'after' | 'equal'): void {
    const v = variant ?? r.weighted([
      ['null', 35],
      ['before', 30],
      ['after', 30],
      ['equal', 5],
    ] as const);
    if (v === 'null') a.sessionsValidFrom = null;
    else if (v === 'before') a.sessionsValidFrom = d0 - r.range(10, 300) * DAY - r.int(86400) * SECOND;
    else if (v === 'after') a.sessionsValidFrom = Math.min(this.env.at - MINUTE, d0 + r.range(2, 90) * MINUTE);
    else a.sessionsValidFrom = d0;
  }

  member(a: EntraAccount, g: EntraGroup): void {
    if (a.groups.includes(g)) return;
    a.groups.push(g);
    g.planted.push(a.id);
  }

  /** Ordinary memberships: everyone group, department, site, a few teams. */
  memberships(r: Prng, a: EntraAccount, deptIndex: number, siteIndex: number): void {
    const { plan } = this;
    if (a.userType === 'Guest') {
      if (r.chance(0.8)) this.member(a, plan.allGuests);
    } else {
      if (r.chance(0.7)) this.member(a, plan.allEmployees);
      if (r.chance(0.7)) this.member(a, plan.deptGroups[deptIndex]);
      if (r.chance(0.4)) this.member(a, plan.siteGroups[siteIndex]);
    }
    const teams = r.weighted([
      [0, 20],
      [1, 25],
      [2, 20],
      [3, 15],
      [4, 10],
      [6, 10],
    ] as const);
    for (let k = 0; k < teams; k++) this.member(a, plan.pickZipfGroup(r));
  }

  roleGroup(r: Prng, a: EntraAccount, tier0?: boolean): void {
    const groups = this.plan.roleGroups;
    const want = tier0 ?? r.chance(0.35);
    const g = want ? groups[r.int(2)] : groups[2 + r.int(groups.length - 2)];
    this.member(a, g);
  }

  directRole(r: Prng, a: EntraAccount, opts: { tier0?: boolean; scoped?: boolean; role?: RoleDef } = {}): void {
    const tier0 = opts.tier0 ?? r.chance(0.35);
    const role = opts.role ?? (tier0 ? r.pick(TIER0_ROLES) : r.pick(COMMON_ADMIN_ROLES));
    let scope = '/';
    const scoped = opts.scoped ?? (!opts.tier0 && r.chance(0.25));
    if (scoped) {
      scope = r.chance(0.8) ? `/administrativeUnits/${r.pick(this.plan.aus)}` : `/${r.pick(this.plan.registrations).appObjectId}`;
    }
    a.roles.push({ id: this.env.graphKey('ra'), principalId: a.id, template: role.template, scope });
  }

  /** A custom role whose name looks like a built-in one: recognised by template id, not name. */
  decoyRole(a: EntraAccount): void {
    const role = this.plan.customRoles[0];
    a.roles.push({ id: this.env.graphKey('ra'), principalId: a.id, template: role.id, scope: '/' });
  }

  eligibility(r: Prng, a: EntraAccount, d0: number, expired: boolean, tier0?: boolean): void {
    const at = this.env.at;
    const role = (tier0 ?? r.chance(0.4)) ? r.pick(TIER0_ROLES) : r.pick(COMMON_ADMIN_ROLES);
    const start = d0 - r.range(30, 500) * DAY;
    let end: number | null;
    if (expired) end = r.chance(0.2) ? at : at - r.range(1, 200) * HOUR;
    else end = r.chance(0.5) ? null : at + r.range(1, 300) * DAY;
    a.eligibilities.push({ id: this.env.guid('elig'), principalId: a.id, template: role.template, scope: '/', start, end });
  }

  /**
   * Service principals a user is assigned to or consents to: only ones without application
   * permissions or roles, so that a user's app access is never mistaken for the app's own reach.
   */
  private userFacing(r: Prng): EntraApp {
    const plain = (x: EntraApp) => !x.graphPerms.length && !x.otherPerms.length && !x.spRoles.length;
    for (let tries = 0; tries < 20; tries++) {
      const pool = this.plan.gallery.length && r.chance(0.7) ? this.plan.gallery : this.plan.registrations;
      const app = r.pick(pool);
      if (plain(app)) return app;
    }
    return this.plan.gallery.find(plain) ?? this.plan.registrations.find(plain) ?? this.plan.gallery[0];
  }

  appAssignment(r: Prng, a: EntraAccount): void {
    const app = this.userFacing(r);
    if (a.appAssignments.some((x) => x.app === app)) return;
    const roleId = app.exposes.find((e) => e.allowedMemberTypes.includes('User'))?.id ?? DEFAULT_APP_ROLE;
    a.appAssignments.push({ id: this.env.graphKey('ara:user'), app, roleId, created: a.created + r.range(1, 300) * DAY });
  }

  consent(r: Prng, a: EntraAccount): void {
    const client = this.userFacing(r);
    if (a.grants.some((g) => g.client === client)) return;
    const scope = r.pick(['User.Read Mail.Read offline_access', 'openid profile email offline_access', 'Files.ReadWrite.All offline_access', 'Calendars.ReadWrite User.Read']);
    a.grants.push({ id: this.env.graphKey('grant'), client, resourceSpId: this.plan.graph.spId, scope });
  }

  cred(kind: 'secret' | 'cert', start: number, end: number | null, name: string, usage: 'Verify' | 'Sign' = 'Verify'): Cred {
    const n = this.env.next('key');
    return this.plan.cred(kind, 'planted:key', n, start, end, name, usage);
  }

  /** App permissions and roles of a planted app's service principal. */
  private reach(r: Prng, app: EntraApp, kind: ReachKind): void {
    const { plan, env } = this;
    if (kind === 'read') for (const perm of r.sample(GRAPH_READ_PERMISSIONS, r.range(1, 2))) plan.grantGraph(app, perm, 'ara:sp');
    if (kind === 'other') {
      const [, roleId] = r.pick(Object.entries(EXCHANGE.roles));
      app.otherPerms.push({ id: env.graphKey('ara:sp'), resourceSpId: plan.exchange.spId, resourceName: plan.exchange.name, roleId });
    }
    if (kind === 'tier0') {
      plan.grantGraph(app, r.pick(GRAPH_TIER0_PERMISSIONS), 'ara:sp');
      if (r.chance(0.3)) plan.grantGraph(app, r.pick(GRAPH_READ_PERMISSIONS), 'ara:sp');
    }
    if (kind === 'role0' || kind === 'roleScoped') {
      const role = kind === 'role0' ? r.pick([ROLE.privilegedRoleAdmin, ROLE.applicationAdmin, ROLE.globalAdmin]) : ROLE.userAdmin;
      const scope = kind === 'role0' ? '/' : `/administrativeUnits/${r.pick(plan.aus)}`;
      const ra = { id: env.graphKey('ra:sp'), principalId: app.spId, template: role.template, scope };
      app.spRoles.push(ra);
      plan.roleAssignments.push(ra);
    }
  }

  /**
   * A planted app registration (or an enterprise app's service principal alone) owned by the
   * account, with credentials around the departure time `d0`.
   */
  ownedApp(
    r: Prng,
    a: EntraAccount,
    d0: number,
    force: { gallery?: boolean; ownSp?: boolean; coOwner?: boolean; fic?: boolean; cert?: boolean; reach?: ReachKind; postD?: boolean; expired?: boolean; future?: boolean; pool?: boolean } = {},
  ): EntraApp {
    const { env, plan } = this;
    const at = env.at;
    const gallery = force.gallery ?? (force.fic || force.cert || force.ownSp ? false : r.chance(0.12));
    const n = env.next('papp');
    const word = r.pick(APP_WORDS);
    const name = gallery ? `${r.pick(['Tableau', 'Jenkins', 'Grafana', 'Airflow', 'Retool'])} (${a.givenName.toLowerCase()})` : `${word}-${r.pick(APP_SUFFIXES)}-${a.surname.toLowerCase()}${n}`;
    const created = Math.min(d0, at) - r.range(30, 1000) * DAY;
    const app: EntraApp = {
      kind: gallery ? 'gallery' : 'registration',
      name,
      appObjectId: gallery ? null : env.ids.guid('planted:app', n),
      appId: env.ids.guid('planted:appid', n),
      spId: env.ids.guid('planted:sp', n),
      created,
      signInAudience: gallery ? 'AzureADMultipleOrgs' : 'AzureADMyOrg',
      appOwnerOrganizationId: gallery ? env.ids.guid('vendor', 100 + (n % 7)) : env.tenantId,
      appCreds: [],
      spCreds: [],
      fics: [],
      appOwners: [],
      spOwners: [],
      graphPerms: [],
      otherPerms: [],
      spRoles: [],
      exposes: [],
      userAssign: null,
      groupAssign: [],
      principalGrants: null,
      allPrincipalsGrant: null,
      tags: gallery ? ['WindowsAzureActiveDirectoryIntegratedApp'] : [],
      planted: true,
    };
    const self: Ref = { type: 'user', id: a.id };
    const coOwner = force.coOwner ?? r.chance(0.3);
    const bg = plan.bgMemberAt('planted:coowner', n);
    const ownSp = gallery || (force.ownSp ?? r.chance(0.3));
    if (!gallery) {
      app.appOwners.push(self);
      if (coOwner && bg !== null) app.appOwners.push(plan.bgUserRef(bg));
      a.ownedApps.push(app);
    }
    if (ownSp) {
      app.spOwners.push(self);
      if (coOwner && bg !== null && (gallery || r.chance(0.5))) app.spOwners.push(plan.bgUserRef(bg));
      a.ownedSps.push(app);
    }
    this.reach(
      r,
      app,
      force.reach ??
        r.weighted([
          ['none', 45],
          ['read', 25],
          ['other', 8],
          ['tier0', 12],
          ['role0', 5],
          ['roleScoped', 5],
        ] as const),
    );
    const target = gallery ? app.spCreds : app.appCreds;
    const validUntil = () => at + r.range(10, 700) * DAY;
    // Credentials valid at `at`, created before the departure.
    if (!(force.cert || force.fic) || r.chance(0.75)) {
      const start = Math.min(d0, at) - r.range(5, 400) * DAY;
      target.push(this.cred(gallery ? 'cert' : 'secret', start, r.chance(0.06) ? null : validUntil(), gallery ? 'CN=Microsoft Azure Federated SSO Certificate' : r.pick(['deploy', 'prod', 'ci', 'automation'])));
    }
    if (force.cert || (!gallery && r.chance(0.3))) {
      const start = Math.min(d0, at) - r.range(5, 300) * DAY;
      target.push(this.cred('cert', start, validUntil(), `CN=${app.name}`));
    }
    // Negative controls beside them.
    if (force.postD || r.chance(0.15)) {
      const start = Math.min(at - HOUR, d0 + r.range(1, 120) * HOUR);
      if (start > d0) target.push(this.cred('secret', start, start + 365 * DAY, 'rotated by ops'));
    }
    if (force.expired || r.chance(0.3)) {
      const end = at - r.range(1, 300) * DAY;
      target.push(this.cred(r.chance(0.8) ? 'secret' : 'cert', end - 365 * DAY, end, 'old'));
    }
    if (force.future || r.chance(0.04)) {
      const start = at + r.range(1, 30) * DAY;
      target.push(this.cred('secret', start, start + 365 * DAY, 'scheduled rotation'));
    }
    if (r.chance(0.03)) target.push(this.cred('secret', at - 400 * DAY, at, 'expires now'));
    if (!gallery && r.chance(0.1)) {
      // A certificate on the service principal object: only the SP's owners hold it.
      const start = Math.min(d0, at) - r.range(5, 300) * DAY;
      app.spCreds.push(this.cred('cert', start, validUntil(), `CN=${app.name} token signing`));
    }
    if (!gallery && (force.fic || r.chance(0.15))) {
      const kind = r.int(3);
      app.fics.push({
        id: env.guid('fic'),
        name: ['github-main', 'aks-workload', 'terraform-cloud'][kind],
        issuer: ['https://token.actions.githubusercontent.com', `https://westeurope.oic.prod-aks.azure.com/${env.tenantId}/`, 'https://app.terraform.io'][kind],
        subject: [
          `repo:${a.surname.toLowerCase()}-personal/${app.name}:ref:refs/heads/main`,
          `system:serviceaccount:${word}:${app.name}`,
          `organization:${env.company}:project:default:workspace:${app.name}:run_phase:apply`,
        ][kind],
        description: null,
      });
    }
    plan.apps.push(app);
    if (force.pool && app.appOwners.length <= 1 && app.spOwners.length <= 1) this.soleOwned.push(app);
    return app;
  }

  /** Join an app another disabled leaver owns alone: both departed, the app is ownerless. */
  coOwnExisting(r: Prng, a: EntraAccount): boolean {
    const candidates = this.soleOwned.filter((app) => !app.appOwners.some((o) => o.id === a.id) && !app.spOwners.some((o) => o.id === a.id));
    if (!candidates.length) return false;
    const app = r.pick(candidates);
    if (app.appObjectId) {
      app.appOwners.push({ type: 'user', id: a.id });
      a.ownedApps.push(app);
    } else {
      app.spOwners.push({ type: 'user', id: a.id });
      a.ownedSps.push(app);
    }
    this.soleOwned.splice(this.soleOwned.indexOf(app), 1);
    return true;
  }

  /** A group the leaver owns (sometimes role-assignable and holding a role). */
  ownedGroup(r: Prng, a: EntraAccount, roleAssignable?: boolean): EntraGroup {
    const { env, plan } = this;
    const n = env.next('pgroup');
    const ra = roleAssignable ?? r.chance(0.12);
    const g: EntraGroup = {
      id: env.ids.guid('planted:group', n),
      name: `${r.pick(GROUP_THEMES)} ${ra ? 'Admins' : r.pick(['Crew', 'Circle', 'Reviewers', 'Champions', 'Pilot'])} (${a.surname})`,
      description: null,
      kind: 'planted',
      created: a.created + r.range(1, 200) * DAY,
      securityEnabled: true,
      mailEnabled: false,
      groupTypes: [],
      isAssignableToRole: ra,
      membershipRule: null,
      sel: null,
      explicit: [],
      deviceCount: 0,
      planted: [],
      owners: [{ type: 'user', id: a.id }],
      roles: [],
    };
    const members = r.range(1, 6);
    for (let k = 0; k < members; k++) {
      const p = plan.bgMemberAt('planted:groupmember', n, k);
      if (p !== null && !g.explicit.some((x) => x.id === env.people.entraId[p])) g.explicit.push(plan.bgUserRef(p));
    }
    if (ra) {
      const role = r.chance(0.5) ? r.pick(TIER0_ROLES) : r.pick(COMMON_ADMIN_ROLES);
      const assignment = { id: env.graphKey('ra:group'), principalId: g.id, template: role.template, scope: '/' };
      g.roles.push(assignment);
      plan.roleAssignments.push(assignment);
    }
    plan.groups.push(g);
    a.ownedGroups.push(g);
    return g;
  }

  /**
   * The account added a credential to an app or service principal it does not own, at `t`
   * (inside the audit window). Sometimes the key has expired since, sometimes the event lists
   * the keys in upper case, and sometimes a second, non-matching event adds another key.
   */
  credentialAdd(r: Prng, a: EntraAccount, t: number, opts: { expired?: boolean; control?: boolean; onApp?: boolean } = {}): void {
    const { plan, env } = this;
    const at = env.at;
    const onSp = opts.onApp ? false : opts.control ? false : r.chance(0.2);
    const pool = onSp ? [...plan.gallery, ...plan.registrations] : plan.registrations;
    const target = r.pick(pool);
    const creds = onSp ? target.spCreds : target.appCreds;
    const oldKeys = creds.map((c) => c.keyId);
    const expired = opts.expired ?? (r.chance(0.2) && t < at - 8 * DAY);
    const start = t - r.range(1, 60) * SECOND;
    const end = expired ? t + 7 * DAY : start + r.pick([180, 365, 730]) * DAY;
    const kind = r.chance(0.8) ? 'secret' : 'cert';
    const c = this.cred(kind, start, end, kind === 'secret' ? r.pick(['temp', 'backup', 'x', 'migration']) : 'CN=migration');
    creds.push(c);
    const activity = onSp
      ? r.chance(0.8)
        ? ACTIVITY.addSpCredentials
        : `${ACTIVITY.addSpCredentials} `
      : r.weighted([
          [ACTIVITY.appCertsAndSecrets, 50],
          [ACTIVITY.appCertsAndSecretsAscii, 30],
          [` ${ACTIVITY.appCertsAndSecrets.trim()}`, 20],
        ] as const);
    a.credEvents.push({
      id: env.ids.auditId(1_000_000 + env.next('audit')),
      time: t,
      activity,
      target,
      targetType: onSp ? 'ServicePrincipal' : 'Application',
      oldKeys,
      newKeys: [...oldKeys, c.keyId],
      upperCaseKeys: r.chance(0.2),
    });
    if (opts.control || (r.chance(0.25) && !onSp)) {
      // Control: another key added through an activity the rule does not match.
      const t2 = t + r.range(1, 30) * MINUTE;
      const c2 = this.cred('secret', t2 - SECOND, t2 + 365 * DAY, 'sidecar');
      const before = target.appCreds.map((x) => x.keyId);
      target.appCreds.push(c2);
      a.credEvents.push({
        id: env.ids.auditId(1_000_000 + env.next('audit')),
        time: t2,
        activity: ACTIVITY.updateApplication,
        target,
        targetType: 'Application',
        oldKeys: before,
        newKeys: [...before, c2.keyId],
        upperCaseKeys: false,
      });
    }
  }
}
