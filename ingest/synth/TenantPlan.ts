/**
 * The background of a synthetic tenant: every object that is not a leaver's, sized from the
 * number of people with realistic shapes. In Entra: nested groups whose sizes follow a power law
 * (an "All employees" group, departments and sites, thousands of small teams), role-assignable
 * groups holding directory roles, app registrations with their service principals, gallery and
 * Microsoft service principals (Microsoft Graph with its appRoles), managed identities,
 * application permissions, directory roles and PIM eligibilities of background admins. The Okta
 * org is built by OktaBackground. Bulk relations (memberships, user assignments, consents) are
 * stride selections expanded by the writers. No background account is ever departed, and no
 * background relation touches a leaver: leavers are outside every space drawn from.
 */
import {
  DEFAULT_APP_ROLE,
  EXCHANGE,
  GRAPH_APP_ID,
  GRAPH_READ_PERMISSIONS,
  GRAPH_ROLES,
  GRAPH_TIER0_PERMISSIONS,
  type GraphPermission,
  MICROSOFT_SPS,
  MICROSOFT_TENANT,
  ROLE,
  COMMON_ADMIN_ROLES,
  type RoleDef,
} from './catalogue.js';
import { DAY } from './clock.js';
import type {
  Cred,
  EntraApp,
  EntraGroup,
  Eligibility,
  ExposedRole,
  Ref,
  RoleAssign,
} from './model.js';
import { APP_SUFFIXES, APP_WORDS, DEPARTMENTS, GALLERY_APPS, GROUP_THEMES, GROUP_TOPICS, LOCATIONS } from './names.js';
import { F_ADMIN } from './People.js';
import { OktaBackground } from './OktaBackground.js';
import { powerLawSizes } from './powerLawSizes.js';
import { Prng } from './prng.js';
import type { SynthEnv } from './SynthEnv.js';

const ROLE_ASSIGNABLE_GROUPS: readonly { name: string; roles: { role: RoleDef; au?: number }[] }[] = [
  { name: 'Tier0 - Global Administrators', roles: [{ role: ROLE.globalAdmin }] },
  { name: 'PIM - Privileged Role Administrators', roles: [{ role: ROLE.privilegedRoleAdmin }] },
  { name: 'Helpdesk Operators', roles: [{ role: ROLE.helpdeskAdmin }] },
  { name: 'Application Administrators - EMEA', roles: [{ role: ROLE.applicationAdmin, au: 0 }] },
  { name: 'Cloud Application Administrators', roles: [{ role: ROLE.cloudApplicationAdmin }] },
  { name: 'User Administrators', roles: [{ role: ROLE.userAdmin }] },
  { name: 'Global Readers', roles: [{ role: ROLE.globalReader }] },
  { name: 'Security Operations', roles: [{ role: ROLE.securityReader }, { role: ROLE.securityAdmin }] },
];

export class TenantPlan {
  readonly graph: EntraApp;
  readonly exchange: EntraApp;
  /** Every application / service principal, background first; planted ones are appended. */
  readonly apps: EntraApp[] = [];
  /** Background app registrations (indices into apps), for targets and owners. */
  readonly registrations: EntraApp[] = [];
  readonly gallery: EntraApp[] = [];
  readonly customApis: EntraApp[] = [];
  readonly groups: EntraGroup[] = [];
  allEmployees!: EntraGroup;
  allGuests!: EntraGroup;
  readonly deptGroups: EntraGroup[] = [];
  readonly siteGroups: EntraGroup[] = [];
  readonly zipfGroups: EntraGroup[] = [];
  /** Cumulative member counts of zipfGroups (for size-weighted picks). */
  readonly zipfCumulative: number[] = [];
  readonly roleGroups: EntraGroup[] = [];
  readonly aus: string[] = [];
  readonly customRoles: { id: string; name: string; description: string }[] = [];
  readonly roleAssignments: RoleAssign[] = [];
  readonly eligibilities: Eligibility[] = [];
  /** Background admins (person index, Entra account id) for audit events. */
  readonly entraAdmins: { p: number; id: string; upn: string }[] = [];

  /** The Okta org's background. */
  readonly okta: OktaBackground;

  constructor(readonly env: SynthEnv) {
    const r = new Prng(env.seed, 'tenant');
    this.graph = this.makeGraph();
    this.exchange = this.makeExchange();
    this.apps.push(this.graph, this.exchange);
    for (const [i, ms] of MICROSOFT_SPS.entries()) this.apps.push(this.makeMicrosoftSp(i, ms.appId, ms.name));
    for (let k = 0; k < 4; k++) this.aus.push(env.ids.guid('au', k));
    this.makeCustomRoles();
    this.makeEntraGroups(r);
    this.makeEntraAdmins(r);
    this.makeRegistrations(r);
    this.makeGallery(r);
    this.makeManagedIdentities(r);
    this.makeUserAssignments(r);
    this.okta = new OktaBackground(env);
  }

  // ------------------------------------------------------------------------------------------
  // Entra

  blankApp(kind: EntraApp['kind'], name: string, appObjectId: string | null, appId: string, spId: string, created: number): EntraApp {
    return {
      kind,
      name,
      appObjectId,
      appId,
      spId,
      created,
      signInAudience: 'AzureADMyOrg',
      appOwnerOrganizationId: this.env.tenantId,
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
      tags: [],
      planted: false,
    };
  }

  private makeGraph(): EntraApp {
    const g = this.blankApp('graph', 'Microsoft Graph', null, GRAPH_APP_ID, this.env.ids.guid('sp:microsoft', 0), this.env.at - 2400 * DAY);
    g.appOwnerOrganizationId = MICROSOFT_TENANT;
    g.signInAudience = 'AzureADMultipleOrgs';
    g.exposes = Object.entries(GRAPH_ROLES).map(([value, id]) => ({
      id,
      value,
      displayName: value,
      allowedMemberTypes: ['Application'],
    }));
    return g;
  }

  private makeExchange(): EntraApp {
    const x = this.blankApp('microsoft', EXCHANGE.name, null, EXCHANGE.appId, this.env.ids.guid('sp:microsoft', 1), this.env.at - 2400 * DAY);
    x.appOwnerOrganizationId = MICROSOFT_TENANT;
    x.signInAudience = 'AzureADMultipleOrgs';
    x.exposes = Object.entries(EXCHANGE.roles).map(([value, id]) => ({ id, value, displayName: value, allowedMemberTypes: ['Application'] }));
    return x;
  }

  private makeMicrosoftSp(i: number, appId: string, name: string): EntraApp {
    const m = this.blankApp('microsoft', name, null, appId, this.env.ids.guid('sp:microsoft', i + 2), this.env.at - 2400 * DAY);
    m.appOwnerOrganizationId = MICROSOFT_TENANT;
    m.signInAudience = 'AzureADMultipleOrgs';
    return m;
  }

  private makeCustomRoles(): void {
    const names = [
      ['Global Administrator - Restricted', 'Custom role: a narrow copy for the service desk (not the built-in role).'],
      ['App Registration Reviewer', 'Custom role: reads app registrations.'],
      ['Password Reset Operator', 'Custom role: resets passwords of non-admins.'],
    ] as const;
    for (const [k, [name, description]] of names.entries()) this.customRoles.push({ id: this.env.ids.guid('customrole', k), name, description });
  }

  /** A background person with an Entra member account, drawn by hash. */
  bgMemberAt(ns: string, i: number, j = 0): number | null {
    const s = this.env.people.bgMember;
    if (s.length === 0) return null;
    return s[this.env.h.int(ns, i, s.length, j)];
  }

  bgUserRef(p: number): Ref {
    return { type: 'user', id: this.env.people.entraId[p] };
  }

  group(kind: EntraGroup['kind'], name: string, created: number, extra: Partial<EntraGroup> = {}): EntraGroup {
    const n = this.groups.length;
    const g: EntraGroup = {
      id: this.env.ids.guid('group', n),
      name,
      description: null,
      kind,
      created,
      securityEnabled: true,
      mailEnabled: false,
      groupTypes: [],
      isAssignableToRole: false,
      membershipRule: null,
      sel: null,
      explicit: [],
      deviceCount: 0,
      planted: [],
      owners: [],
      roles: [],
      ...extra,
    };
    this.groups.push(g);
    return g;
  }

  private makeEntraGroups(r: Prng): void {
    const { env } = this;
    const ppl = env.people;
    const at = env.at;
    const dyn = { groupTypes: ['DynamicMembership'] };
    this.allEmployees = this.group('all', 'All employees', at - 2000 * DAY, {
      ...dyn,
      description: 'Every employee (dynamic)',
      membershipRule: '(user.userType -eq "Member") and (user.employeeId -ne null)',
      sel: { size: ppl.bgMember.length, start: 0, stride: 1, space: 'member', key: 0 },
    });
    this.allGuests = this.group('guests', 'All guests', at - 1500 * DAY, {
      ...dyn,
      membershipRule: '(user.userType -eq "Guest")',
      sel: { size: ppl.bgGuest.length, start: 0, stride: 1, space: 'guest', key: 0 },
    });
    for (const [d, [name]] of DEPARTMENTS.entries()) {
      const space = ppl.deptSpace[d];
      this.deptGroups.push(
        this.group('dept', `Dept - ${name}`, at - 1900 * DAY, {
          ...dyn,
          membershipRule: `(user.department -eq "${name}")`,
          sel: { size: space.length, start: 0, stride: 1, space: 'dept', key: d },
        }),
      );
    }
    for (const [s, name] of LOCATIONS.entries()) {
      const space = ppl.siteSpace[s];
      this.siteGroups.push(
        this.group('site', `Site - ${name}`, at - 1800 * DAY, {
          groupTypes: ['Unified'],
          mailEnabled: true,
          sel: { size: space.length, start: 0, stride: 1, space: 'site', key: s },
        }),
      );
    }
    const staff = this.group('zipf', 'All staff (nested)', at - 1700 * DAY, { description: 'Department groups, nested' });
    for (const g of this.deptGroups) staff.explicit.push({ type: 'group', id: g.id });
    this.zipfGroups.push(staff);

    // Teams, projects, distribution lists: a power law of sizes.
    const M = ppl.bgMember.length;
    const count = Math.max(6, Math.round(env.n / 8));
    // Memberships per person grow with the organisation: about 10 at 2,000 people, 27 at 250,000.
    const perPerson = Math.min(27, Math.max(8, 8 + 3.5 * Math.log(env.n / 1000)));
    const sizes = powerLawSizes(count, perPerson * M, 0.35 * M, 1.4, 2);
    for (let k = 0; k < count; k++) {
      const topic = GROUP_TOPICS[k % GROUP_TOPICS.length];
      const theme = GROUP_THEMES[Math.floor(k / GROUP_TOPICS.length) % GROUP_THEMES.length];
      const round = Math.floor(k / (GROUP_TOPICS.length * GROUP_THEMES.length));
      const name = `${topic} ${theme}${round ? ` ${round + 1}` : ''}`;
      const unified = r.chance(0.35);
      const sel = env.sel('zipf', k, M, sizes[k]);
      const g = this.group('zipf', name, at - r.range(30, 2000) * DAY, {
        groupTypes: unified ? ['Unified'] : [],
        mailEnabled: unified,
        securityEnabled: !unified || r.chance(0.5),
        sel: sel ? { ...sel, space: 'member', key: 0 } : null,
      });
      if (r.chance(0.55)) {
        const owners = r.chance(0.3) ? 2 : 1;
        for (let o = 0; o < owners; o++) {
          const p = this.bgMemberAt('zipf:owner', k, o);
          if (p !== null && !g.owners.some((x) => x.id === ppl.entraId[p])) g.owners.push(this.bgUserRef(p));
        }
      }
      this.zipfGroups.push(g);
    }
    // Nesting: small teams inside department groups (never inside a role-assignable group).
    for (let k = 1; k < this.zipfGroups.length; k++) {
      if (r.chance(0.06)) r.pick(this.deptGroups).explicit.push({ type: 'group', id: this.zipfGroups[k].id });
    }
    let acc = 0;
    for (const g of this.zipfGroups) {
      acc += g.sel?.size ?? 1;
      this.zipfCumulative.push(acc);
    }
    const devices = this.group('devices', 'Compliant devices', at - 900 * DAY, {
      ...dyn,
      membershipRule: '(device.isCompliant -eq true)',
    });
    devices.deviceCount = Math.max(3, Math.round(env.n / 12));

    for (const [k, spec] of ROLE_ASSIGNABLE_GROUPS.entries()) {
      const g = this.group('roleAssignable', spec.name, at - r.range(200, 1200) * DAY, {
        isAssignableToRole: true,
        description: 'Role-assignable group',
      });
      for (const [j, role] of spec.roles.entries()) {
        const ra: RoleAssign = {
          id: env.ids.graphKey('ra:group', k * 4 + j),
          principalId: g.id,
          template: role.role.template,
          scope: role.au === undefined ? '/' : `/administrativeUnits/${this.aus[role.au]}`,
        };
        g.roles.push(ra);
        this.roleAssignments.push(ra);
      }
      this.roleGroups.push(g);
    }
  }

  /** Background admins: alt accounts and flagged persons hold roles, directly and via groups. */
  private makeEntraAdmins(r: Prng): void {
    const { env } = this;
    const ppl = env.people;
    let k = 0;
    const direct = (principalId: string, role: RoleDef, scope = '/') => {
      this.roleAssignments.push({ id: env.ids.graphKey('ra:bg', k++), principalId, template: role.template, scope });
    };
    for (const p of ppl.bgAlt) {
      const id = ppl.altId(p);
      this.entraAdmins.push({ p, id, upn: ppl.altUpn(p) });
      const x = r.unit();
      if (x < 0.08) direct(id, ROLE.globalAdmin);
      else if (x < 0.12) direct(id, ROLE.privilegedRoleAdmin);
      else if (x < 0.5) direct(id, r.pick(COMMON_ADMIN_ROLES));
      else if (x < 0.6) direct(id, ROLE.userAdmin, `/administrativeUnits/${r.pick(this.aus)}`);
      else r.pick(this.roleGroups).explicit.push({ type: 'user', id });
      if (r.chance(0.3)) {
        const role = r.chance(0.3) ? ROLE.globalAdmin : r.pick(COMMON_ADMIN_ROLES);
        const start = env.at - r.range(10, 400) * DAY;
        const end = r.chance(0.35) ? env.at - r.range(1, 60) * DAY : r.chance(0.5) ? null : env.at + r.range(10, 300) * DAY;
        this.eligibilities.push({ id: env.ids.guid('elig:bg', this.eligibilities.length), principalId: id, template: role.template, scope: '/', start, end });
      }
    }
    for (let i = 0; i < ppl.bgMember.length; i++) {
      const p = ppl.bgMember[i];
      if (!ppl.has(p, F_ADMIN)) continue;
      const id = ppl.entraId[p];
      this.entraAdmins.push({ p, id, upn: ppl.mail(p) });
      if (r.chance(0.5)) direct(id, r.pick([ROLE.globalReader, ROLE.reportsReader, ROLE.helpdeskAdmin, ROLE.teamsAdmin]));
      else r.pick(this.roleGroups).explicit.push({ type: 'user', id });
    }
    if (this.entraAdmins.length === 0 && ppl.bgMember.length > 0) {
      const p = ppl.bgMember[0];
      this.entraAdmins.push({ p, id: ppl.entraId[p], upn: ppl.mail(p) });
      direct(ppl.entraId[p], ROLE.globalAdmin);
    }
    // Every role-assignable group has at least one background member and one owner.
    for (const [i, g] of this.roleGroups.entries()) {
      if (!g.explicit.length) g.explicit.push({ type: 'user', id: this.entraAdmins[i % this.entraAdmins.length].id });
      g.owners.push({ type: 'user', id: this.entraAdmins[(i * 7) % this.entraAdmins.length].id });
    }
  }

  cred(kind: 'secret' | 'cert', ns: string, n: number, start: number, end: number | null, displayName: string, usage: 'Verify' | 'Sign' = 'Verify'): Cred {
    return {
      keyId: this.env.ids.guid(ns, n),
      kind,
      start,
      end,
      displayName,
      hint: displayName.replace(/[^a-z]/gi, '').slice(0, 3).toLowerCase() || 'key',
      thumbprint: kind === 'cert' ? this.env.ids.thumbprint(`${ns}:thumb`, n) : '',
      usage,
    };
  }

  /** Credentials of a background registration: some current, some expired. */
  private bgCreds(r: Prng, i: number, app: EntraApp): void {
    const at = this.env.at;
    const secrets = r.weighted([
      [0, 35],
      [1, 40],
      [2, 18],
      [3, 7],
    ] as const);
    for (let j = 0; j < secrets; j++) {
      const start = at - r.range(1, 900) * DAY - r.int(86400) * 1000;
      const life = r.weighted([
        [90, 10],
        [180, 25],
        [365, 35],
        [730, 28],
        [0, 2],
      ] as const);
      app.appCreds.push(this.cred('secret', 'key:bg', i * 16 + j, start, life ? start + life * DAY : null, r.pick(['deploy', 'prod', 'ci', 'backup', 'rotation', 'legacy'])));
    }
    if (r.chance(0.2)) {
      const start = at - r.range(1, 700) * DAY;
      app.appCreds.push(this.cred('cert', 'key:bg', i * 16 + 8, start, start + r.pick([365, 730]) * DAY, `CN=${app.name}`));
    }
    if (r.chance(0.04)) {
      app.fics.push({
        id: this.env.ids.guid('fic:bg', i),
        name: 'github-main',
        issuer: 'https://token.actions.githubusercontent.com',
        subject: `repo:${this.env.company}/${app.name}:ref:refs/heads/main`,
        description: null,
      });
    }
    if (r.chance(0.03)) {
      const start = at - r.range(1, 300) * DAY;
      app.spCreds.push(this.cred('cert', 'key:bg', i * 16 + 9, start, start + 1095 * DAY, `CN=${app.name} SAML signing`, 'Verify'));
    }
  }

  grantGraph(app: EntraApp, perm: GraphPermission, ns: string): void {
    if (app.graphPerms.some((g) => g.perm === perm)) return;
    app.graphPerms.push({ id: this.env.graphKey(ns), resourceSpId: this.graph.spId, resourceName: this.graph.name, roleId: GRAPH_ROLES[perm], perm });
  }

  private makeRegistrations(r: Prng): void {
    const { env } = this;
    const count = Math.max(6, Math.round(env.n / 80));
    for (let i = 0; i < count; i++) {
      const word = APP_WORDS[i % APP_WORDS.length];
      const suffix = APP_SUFFIXES[Math.floor(i / APP_WORDS.length) % APP_SUFFIXES.length];
      const round = Math.floor(i / (APP_WORDS.length * APP_SUFFIXES.length));
      const name = `${word}-${suffix}${round ? `-${round + 1}` : ''}`;
      const app = this.blankApp('registration', name, env.ids.guid('app', i), env.ids.guid('appid', i), env.ids.guid('sp', i), env.at - r.range(30, 2000) * DAY);
      if (r.chance(0.15)) app.signInAudience = 'AzureADMultipleOrgs';
      this.bgCreds(r, i, app);
      const owners = r.weighted([
        [0, 20],
        [1, 50],
        [2, 25],
        [3, 5],
      ] as const);
      for (let o = 0; o < owners; o++) {
        const p = this.bgMemberAt('app:owner', i, o);
        if (p !== null && !app.appOwners.some((x) => x.id === this.env.people.entraId[p])) app.appOwners.push(this.bgUserRef(p));
      }
      if (i > 0 && r.chance(0.03)) app.appOwners.push({ type: 'servicePrincipal', id: this.registrations[r.int(this.registrations.length)].spId });
      if (r.chance(0.25)) {
        const p = this.bgMemberAt('sp:owner', i);
        if (p !== null) app.spOwners.push(this.bgUserRef(p));
      }
      const x = r.unit();
      if (x < 0.3) for (const perm of r.sample(GRAPH_READ_PERMISSIONS, r.range(1, 3))) this.grantGraph(app, perm, 'ara:bg');
      else if (x < 0.34) this.grantGraph(app, r.pick(GRAPH_TIER0_PERMISSIONS), 'ara:bg');
      if (r.chance(0.04)) {
        const roleId = r.pick(Object.values(EXCHANGE.roles));
        app.otherPerms.push({ id: env.graphKey('ara:bg'), resourceSpId: this.exchange.spId, resourceName: this.exchange.name, roleId });
      }
      if (r.chance(0.01)) {
        const role = r.chance(0.2) ? ROLE.privilegedRoleAdmin : r.pick([ROLE.userAdmin, ROLE.groupsAdmin, ROLE.directoryReaders]);
        const ra = { id: env.ids.graphKey('ra:sp', i), principalId: app.spId, template: role.template, scope: '/' };
        app.spRoles.push(ra);
        this.roleAssignments.push(ra);
      }
      if (r.chance(0.1)) {
        const exposes: ExposedRole[] = [
          { id: env.ids.guid('approle', i * 4), value: `${word}.Read.All`, displayName: `Read all ${word} data`, allowedMemberTypes: ['Application'] },
          { id: env.ids.guid('approle', i * 4 + 1), value: 'User', displayName: 'User', allowedMemberTypes: ['User'] },
        ];
        app.exposes = exposes;
        this.customApis.push(app);
      }
      // Sized later, with every other client (makeUserAssignments).
      if (r.chance(0.15)) app.principalGrants = { size: 0, start: 0, stride: 1, scope: 'User.Read offline_access openid profile', resourceSpId: this.graph.spId };
      if (r.chance(0.1)) app.allPrincipalsGrant = { id: env.ids.graphKey('grant:all', i), scope: 'User.Read openid profile', resourceSpId: this.graph.spId };
      this.registrations.push(app);
      this.apps.push(app);
    }
    // Consumers of custom APIs: "other API" application permissions.
    for (const app of this.registrations) {
      if (!this.customApis.length || !r.chance(0.03)) continue;
      const api = r.pick(this.customApis);
      if (api === app) continue;
      const role = api.exposes.find((e) => e.allowedMemberTypes.includes('Application'))!;
      app.otherPerms.push({ id: env.graphKey('ara:bg'), resourceSpId: api.spId, resourceName: api.name, roleId: role.id });
    }
  }

  private makeGallery(r: Prng): void {
    const { env } = this;
    const count = Math.max(4, Math.round(env.n / 600));
    for (let i = 0; i < count; i++) {
      const base = GALLERY_APPS[i % GALLERY_APPS.length];
      const round = Math.floor(i / GALLERY_APPS.length);
      const name = round ? `${base} (${['Sandbox', 'EU', 'US', 'APAC', 'Test'][round % 5]}${round > 5 ? ` ${round}` : ''})` : base;
      const sp = this.blankApp('gallery', name, null, env.ids.guid('gappid', i), env.ids.guid('gsp', i), env.at - r.range(60, 1800) * DAY);
      sp.appOwnerOrganizationId = env.ids.guid('vendor', i % GALLERY_APPS.length);
      sp.signInAudience = 'AzureADMultipleOrgs';
      sp.tags = ['WindowsAzureActiveDirectoryIntegratedApp', 'WindowsAzureActiveDirectoryGalleryApplicationNonPrimaryV1'];
      sp.exposes = [
        { id: env.ids.guid('gapprole', i * 2), value: 'User', displayName: 'User', allowedMemberTypes: ['User'] },
        { id: env.ids.guid('gapprole', i * 2 + 1), value: 'Admin', displayName: 'Admin', allowedMemberTypes: ['User'] },
      ];
      if (r.chance(0.7)) {
        const start = env.at - r.range(10, 900) * DAY;
        sp.spCreds.push(this.cred('cert', 'key:gallery', i, start, start + 1095 * DAY, `CN=Microsoft Azure Federated SSO Certificate`, 'Verify'));
      }
      if (r.chance(0.4)) {
        const p = this.bgMemberAt('gallery:owner', i);
        if (p !== null) sp.spOwners.push(this.bgUserRef(p));
      }
      if (r.chance(0.3)) {
        const g = r.pick(this.deptGroups);
        sp.groupAssign.push({ id: env.ids.graphKey('ara:group', i), groupId: g.id, groupName: g.name, roleId: sp.exposes[0].id });
      }
      if (r.chance(0.25)) sp.principalGrants = { size: 0, start: 0, stride: 1, scope: 'openid profile email offline_access User.Read', resourceSpId: this.graph.spId };
      if (r.chance(0.3)) sp.allPrincipalsGrant = { id: env.ids.graphKey('grant:gall', i), scope: 'User.Read', resourceSpId: this.graph.spId };
      this.gallery.push(sp);
      this.apps.push(sp);
    }
  }

  private makeManagedIdentities(r: Prng): void {
    const { env } = this;
    const count = Math.max(1, Math.round(env.n / 3000));
    for (let i = 0; i < count; i++) {
      const mi = this.blankApp('managedIdentity', `mi-${r.pick(APP_WORDS)}-${i}`, null, env.ids.guid('miappid', i), env.ids.guid('mi', i), env.at - r.range(30, 900) * DAY);
      mi.signInAudience = 'AzureADMyOrg';
      if (r.chance(0.5)) this.grantGraph(mi, r.pick(GRAPH_READ_PERMISSIONS), 'ara:bg');
      this.apps.push(mi);
    }
  }

  /** User app role assignments and delegated consents of background users (power-law sizes). */
  private makeUserAssignments(r: Prng): void {
    const { env } = this;
    const M = env.people.bgMember.length;
    const targets = [...this.gallery, ...this.registrations.filter(() => r.chance(0.3))];
    const sizes = powerLawSizes(targets.length, 2.0 * M, 0.8 * M, 1.0, 1);
    for (const [k, sp] of targets.entries()) {
      const sel = env.sel('uassign', k, M, sizes[k]);
      const roleId = sp.exposes.find((e) => e.allowedMemberTypes.includes('User'))?.id ?? DEFAULT_APP_ROLE;
      if (sel) sp.userAssign = { ...sel, roleId };
    }
    const clients = this.apps.filter((a) => a.principalGrants);
    const gsizes = powerLawSizes(clients.length, 0.4 * M, 0.5 * M, 1.0, 1);
    for (const [k, c] of clients.entries()) {
      const sel = env.sel('pgrant', k, M, gsizes[k]);
      if (sel) c.principalGrants = { ...sel, scope: c.principalGrants!.scope, resourceSpId: c.principalGrants!.resourceSpId };
      else c.principalGrants = null;
    }
  }

  /** Pick a background group weighted by size (large groups are where most people are). */
  pickZipfGroup(r: Prng): EntraGroup {
    return this.zipfGroups[r.indexByTotals(this.zipfCumulative)];
  }

}
