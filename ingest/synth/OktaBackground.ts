/**
 * The Okta background of a synthetic org: the Everyone group (every user), groups with
 * power-law sizes, groups holding admin roles, groups imported from Active Directory
 * (APP_GROUP), apps of every sign-on mode with and without provisioning (one of each variant the
 * rules distinguish, plus more in proportion to the org), service apps with client roles and
 * okta.* scope grants, identity providers with their provisioning policies, and background
 * admins. An app is assigned to at most one group; its direct users are drawn apart from that
 * group, so each (app, user) pair is listed once. App users and memberships are stride
 * selections over the background Okta users, expanded by the writer.
 */
import { OKTA_COMMON_ROLES, OKTA_ROLE, type OktaRoleType } from './catalogue.js';
import { DAY, HOUR } from './clock.js';
import type { OktaApp, OktaGroup, OktaIdp, OktaRoleAssign } from './model.js';
import { APP_WORDS, DEPARTMENTS, GROUP_THEMES } from './names.js';
import { F_ADMIN, F_ALT, F_OKTA } from './People.js';
import { powerLawSizes } from './powerLawSizes.js';
import { Prng } from './prng.js';
import type { SynthEnv } from './SynthEnv.js';

export interface OktaAppSpec {
  name: string;
  label: string;
  signOnMode: string;
  features?: string[];
  scheme?: string;
  reveal?: boolean;
  record?: 'ENABLED' | 'DISABLED';
  externalIds?: boolean;
  externalPrefix?: string;
  oauth?: OktaApp['oauth'];
  roles?: OktaRoleType[];
  grants?: string[];
  everyone?: boolean;
}

const PROV = ['PUSH_NEW_USERS', 'PUSH_PROFILE_UPDATES', 'PUSH_USER_DEACTIVATION', 'IMPORT_NEW_USERS'];
const PROV_NO_DEACT = ['PUSH_NEW_USERS', 'PUSH_PROFILE_UPDATES', 'IMPORT_NEW_USERS'];

/** The Okta apps every synthetic org has: one of each sign-on mode and provisioning variant. */
const FIXED_OKTA_APPS: readonly OktaAppSpec[] = [
  { name: 'bookmark', label: 'Okta Help Center', signOnMode: 'BOOKMARK', everyone: true },
  { name: 'salesforce', label: 'Salesforce', signOnMode: 'SAML_2_0', features: PROV, record: 'ENABLED', externalIds: true, externalPrefix: '005Dn0000' },
  { name: 'jira', label: 'Jira Cloud', signOnMode: 'SAML_2_0', features: PROV_NO_DEACT, record: 'DISABLED', externalIds: true, externalPrefix: 'jira-' },
  { name: 'zendesk', label: 'Zendesk', signOnMode: 'SAML_2_0', features: ['PUSH_NEW_USERS', 'PUSH_USER_DEACTIVATION'], record: 'DISABLED', externalIds: true, externalPrefix: 'zd-' },
  { name: 'slack', label: 'Slack', signOnMode: 'SAML_2_0', features: ['PUSH_NEW_USERS', 'PUSH_PROFILE_UPDATES', 'PUSH_USER_DEACTIVATION'], externalIds: true, externalPrefix: 'U0' },
  { name: 'box', label: 'Box', signOnMode: 'SAML_2_0' },
  { name: 'office365', label: 'Microsoft Office 365', signOnMode: 'WS_FEDERATION', features: ['PUSH_NEW_USERS', 'PUSH_PROFILE_UPDATES', 'PUSH_USER_DEACTIVATION'], record: 'ENABLED', externalIds: true, externalPrefix: 'o365-' },
  { name: 'sharepoint_onprem', label: 'SharePoint (On-Premises)', signOnMode: 'WS_FEDERATION' },
  { name: 'expense_portal', label: 'Expense Portal', signOnMode: 'BROWSER_PLUGIN', scheme: 'EDIT_USERNAME_AND_PASSWORD', reveal: false },
  { name: 'legacy_hr', label: 'Legacy HR Portal', signOnMode: 'AUTO_LOGIN', scheme: 'EDIT_PASSWORD_ONLY', reveal: false },
  { name: 'vendor_portal', label: 'Vendor Portal', signOnMode: 'SECURE_PASSWORD_STORE', scheme: 'EXTERNAL_PASSWORD_SYNC', reveal: false },
  { name: 'network_admin', label: 'Network Device Admin', signOnMode: 'BASIC_AUTH', scheme: 'EDIT_USERNAME_AND_PASSWORD', reveal: false },
  { name: 'social_media', label: 'Social Media', signOnMode: 'AUTO_LOGIN', scheme: 'SHARED_USERNAME_AND_PASSWORD', reveal: true },
  { name: 'shared_analytics', label: 'Shared Analytics', signOnMode: 'BROWSER_PLUGIN', scheme: 'SHARED_USERNAME_AND_PASSWORD', reveal: false },
  { name: 'intranet_swa', label: 'Intranet', signOnMode: 'AUTO_LOGIN', scheme: 'ADMIN_SETS_CREDENTIALS', reveal: false },
  { name: 'bank_portal', label: 'Corporate Banking', signOnMode: 'SECURE_PASSWORD_STORE', scheme: 'EDIT_USERNAME_AND_PASSWORD', reveal: false, features: ['PUSH_NEW_USERS', 'PUSH_USER_DEACTIVATION'], record: 'ENABLED', externalIds: true, externalPrefix: 'bk-' },
  { name: 'timesheet', label: 'Timesheets', signOnMode: 'BASIC_AUTH', scheme: 'EDIT_USERNAME_AND_PASSWORD', reveal: false, features: ['PUSH_USER_DEACTIVATION'] },
  { name: 'customer_portal', label: 'Customer Portal', signOnMode: 'OPENID_CONNECT', oauth: { type: 'web', authMethod: 'client_secret_basic' } },
  { name: 'field_app', label: 'Field Service Mobile', signOnMode: 'OPENID_CONNECT', oauth: { type: 'native', authMethod: 'none' } },
  { name: 'analytics_spa', label: 'Analytics Dashboard', signOnMode: 'OPENID_CONNECT', oauth: { type: 'browser', authMethod: 'none' } },
  { name: 'ops-automation', label: 'ops-automation', signOnMode: 'OPENID_CONNECT', oauth: { type: 'service', authMethod: 'client_secret_basic' }, roles: [OKTA_ROLE.superAdmin] },
  { name: 'report-export', label: 'report-export', signOnMode: 'OPENID_CONNECT', oauth: { type: 'service', authMethod: 'client_secret_basic' }, grants: ['okta.logs.read'] },
  { name: 'user-sync', label: 'user-sync', signOnMode: 'OPENID_CONNECT', oauth: { type: 'service', authMethod: 'client_secret_basic' }, grants: ['okta.users.manage', 'okta.groups.read'] },
  { name: 'wiki-sync', label: 'wiki-sync', signOnMode: 'OPENID_CONNECT', oauth: { type: 'service', authMethod: 'client_secret_basic' } },
  { name: 'ci-deployer', label: 'ci-deployer', signOnMode: 'OPENID_CONNECT', oauth: { type: 'service', authMethod: 'private_key_jwt' }, roles: [OKTA_ROLE.appAdmin] },
  { name: 'group-sync', label: 'group-sync', signOnMode: 'OPENID_CONNECT', oauth: { type: 'service', authMethod: 'client_secret_basic' }, grants: ['okta.groups.read'], roles: [OKTA_ROLE.helpDeskAdmin] },
  { name: 'github', label: 'GitHub Enterprise', signOnMode: 'SAML_2_0', features: PROV, record: 'ENABLED', externalIds: true, externalPrefix: 'gh-' },
];

const OKTA_ROLE_GROUPS: readonly { name: string; role: OktaRoleType }[] = [
  { name: 'Okta Super Admins', role: OKTA_ROLE.superAdmin },
  { name: 'Okta Org Admins', role: OKTA_ROLE.orgAdmin },
  { name: 'IT Helpdesk', role: OKTA_ROLE.helpDeskAdmin },
  { name: 'Okta App Admins', role: OKTA_ROLE.appAdmin },
  { name: 'Auditors', role: OKTA_ROLE.readOnlyAdmin },
];

export class OktaBackground {
  readonly everyone: OktaGroup;
  readonly groups: OktaGroup[] = [];
  readonly zipf: OktaGroup[] = [];
  readonly zipfCumulative: number[] = [];
  readonly roleGroups: OktaGroup[] = [];
  readonly appGroups: OktaGroup[] = [];
  readonly apps: OktaApp[] = [];
  readonly appByName = new Map<string, OktaApp>();
  readonly idps: OktaIdp[] = [];
  /** Background admins (person indices) and their direct admin roles. */
  readonly admins: number[] = [];
  readonly userRoles: { p: number; role: OktaRoleAssign }[] = [];

  constructor(readonly env: SynthEnv) {
    const r = new Prng(env.seed, 'okta-background');
    this.everyone = this.makeEveryone();
    this.makeGroups(r);
    this.makeApps(r);
    this.makeIdps();
    this.makeAdmins(r);
  }

  private group(type: OktaGroup['type'], name: string, created: number, extra: Partial<OktaGroup> = {}): OktaGroup {
    const g: OktaGroup = {
      id: this.env.ids.okta('00g', 'group', this.groups.length),
      name,
      description: null,
      type,
      created,
      everyone: false,
      sel: null,
      explicitPersons: [],
      planted: [],
      roles: [],
      apps: [],
      ...extra,
    };
    this.groups.push(g);
    return g;
  }

  private makeEveryone(): OktaGroup {
    return this.group('BUILT_IN', 'Everyone', this.env.at - 2200 * DAY, {
      everyone: true,
      description: 'All users in your organization',
      sel: { size: this.env.people.bgOkta.length, start: 0, stride: 1 },
    });
  }

  private makeGroups(r: Prng): void {
    const { env } = this;
    const M = env.people.bgOkta.length;
    const count = Math.max(5, Math.round(env.n / 30));
    // Memberships per person grow with the organisation: about 5 at 2,000 people, 8 at 250,000.
    const perPerson = Math.min(8, Math.max(4, 4 + 1.2 * Math.log(env.n / 1000)));
    const sizes = powerLawSizes(count, perPerson * M, 0.4 * M, 1.3, 1);
    for (let k = 0; k < count; k++) {
      const dept = DEPARTMENTS[k % DEPARTMENTS.length][0];
      const theme = GROUP_THEMES[Math.floor(k / DEPARTMENTS.length) % GROUP_THEMES.length];
      const round = Math.floor(k / (DEPARTMENTS.length * GROUP_THEMES.length));
      const g = this.group('OKTA_GROUP', `${dept} ${theme}${round ? ` ${round + 1}` : ''}`, env.at - r.range(30, 2000) * DAY, {
        sel: env.sel('ozipf', k, M, sizes[k]),
      });
      this.zipf.push(g);
    }
    let acc = 0;
    for (const g of this.zipf) {
      acc += g.sel?.size ?? 1;
      this.zipfCumulative.push(acc);
    }
    for (const [k, spec] of OKTA_ROLE_GROUPS.entries()) {
      const g = this.group('OKTA_GROUP', spec.name, env.at - r.range(200, 1500) * DAY, { description: `Admins: ${spec.role.label}` });
      g.roles.push({ id: env.ids.okta('irb', 'grouprole', k), type: spec.role.type, label: spec.role.label, created: g.created + DAY });
      this.roleGroups.push(g);
    }
    const appGroupCount = Math.max(2, Math.round(env.n / 2000));
    const appGroupSizes = powerLawSizes(appGroupCount - 1, 0.5 * M, 0.1 * M, 1.0, 1);
    for (let k = 0; k < appGroupCount; k++) {
      const name = k === 0 ? 'Domain Users' : `${r.pick(['VPN', 'Finance', 'Engineering', 'FileShare', 'Print'])}-${['RW', 'RO', 'Users', 'Admins'][k % 4]}-${k}`;
      this.appGroups.push(
        this.group('APP_GROUP', name, env.at - r.range(100, 1500) * DAY, {
          description: `Imported from Active Directory (${env.company}.local)`,
          sel: env.sel('oappgroup', k, M, k === 0 ? Math.round(M * 0.7) : appGroupSizes[k - 1]),
        }),
      );
    }
  }

  pickZipfGroup(r: Prng): OktaGroup {
    return this.zipf[r.indexByTotals(this.zipfCumulative)];
  }

  private app(spec: OktaAppSpec, r: Prng): OktaApp {
    const { env } = this;
    const k = this.apps.length;
    const app: OktaApp = {
      id: env.ids.okta('0oa', 'app', k),
      name: spec.name,
      label: spec.label,
      signOnMode: spec.signOnMode,
      features: spec.features ?? [],
      scheme: spec.scheme ?? null,
      revealPassword: spec.reveal ?? null,
      provisioningRecord: spec.record ? { lifecycleDeactivate: spec.record } : null,
      externalIds: spec.externalIds ?? false,
      externalPrefix: spec.externalPrefix ?? 'ext-',
      oauth: spec.oauth ?? null,
      secrets: [],
      jwks: [],
      clientRoles: [],
      grants: [],
      group: null,
      groupAssignmentId: '',
      direct: null,
      planted: [],
      created: env.at - r.range(200, 1800) * DAY,
    };
    if (app.oauth && app.oauth.authMethod === 'client_secret_basic') {
      const n = r.range(1, 2);
      for (let j = 0; j < n; j++) {
        app.secrets.push({
          id: env.ids.okta('ocs', 'secret', k * 8 + j),
          status: j === 0 && n > 1 && r.chance(0.5) ? 'INACTIVE' : 'ACTIVE',
          created: env.at - r.range(120, 700) * DAY,
        });
      }
    }
    if (app.oauth && app.oauth.authMethod === 'private_key_jwt') {
      app.jwks.push({ id: env.ids.okta('pks', 'jwk', k * 8), kid: `${spec.name}-key-1`, status: 'ACTIVE', created: env.at - r.range(120, 700) * DAY });
    }
    for (const [j, role] of (spec.roles ?? []).entries()) {
      app.clientRoles.push({ id: env.ids.okta('irb', 'clientrole', k * 4 + j), type: role.type, label: role.label, created: app.created + HOUR });
    }
    for (const [j, scope] of (spec.grants ?? []).entries()) {
      app.grants.push({ id: env.ids.okta('oag', 'grant', k * 8 + j), scope, created: app.created + HOUR });
    }
    this.apps.push(app);
    this.appByName.set(spec.name, app);
    return app;
  }

  private makeApps(r: Prng): void {
    const { env } = this;
    const M = env.people.bgOkta.length;
    for (const spec of FIXED_OKTA_APPS) this.app(spec, r);
    const extra = Math.max(2, Math.round(env.n / 400));
    const templates: readonly (readonly [OktaAppSpec, number])[] = [
      [{ name: 'saml', label: 'SAML', signOnMode: 'SAML_2_0' }, 40],
      [{ name: 'saml_prov', label: 'SAML', signOnMode: 'SAML_2_0', features: PROV, record: 'ENABLED', externalIds: true }, 15],
      [{ name: 'saml_prov_nodeact', label: 'SAML', signOnMode: 'SAML_2_0', features: PROV_NO_DEACT, record: 'DISABLED', externalIds: true }, 10],
      [{ name: 'oidc', label: 'OIDC', signOnMode: 'OPENID_CONNECT', oauth: { type: 'web', authMethod: 'client_secret_basic' } }, 15],
      [{ name: 'swa', label: 'SWA', signOnMode: 'BROWSER_PLUGIN', scheme: 'EDIT_USERNAME_AND_PASSWORD', reveal: false }, 10],
      [{ name: 'bookmark', label: 'Bookmark', signOnMode: 'BOOKMARK' }, 5],
      [{ name: 'svc', label: 'service', signOnMode: 'OPENID_CONNECT', oauth: { type: 'service', authMethod: 'client_secret_basic' }, grants: ['okta.users.read'] }, 5],
    ];
    for (let i = 0; i < extra; i++) {
      const t = r.weighted(templates);
      const word = APP_WORDS[i % APP_WORDS.length];
      this.app({ ...t, name: `${word}_${t.name}_${i}`, label: `${word[0].toUpperCase()}${word.slice(1)} ${t.label} ${i}`, externalPrefix: `${word.slice(0, 3)}-` }, r);
    }
    // Assignments: the bookmark to Everyone; about half of the other apps to one group each.
    // Sizes follow a power law whose total is about 1.5 (group) + 1.5 (direct) app users per
    // person, so that app users grow linearly with the org.
    const userApps = this.apps.filter((a, k) => k > 0 && a.oauth?.type !== 'service');
    const grouped = userApps.filter(() => r.chance(0.5));
    const groupBudget = powerLawSizes(grouped.length, 1.5 * M, 0.3 * M, 1.0, 1);
    const directBudget = powerLawSizes(userApps.length, 1.5 * M, 0.2 * M, 1.0, 1);
    const zipfSizes = this.zipf.map((g) => g.sel?.size ?? 0);
    for (const [k, app] of this.apps.entries()) {
      if (app.oauth?.type === 'service') continue;
      app.groupAssignmentId = env.ids.okta('0ga', 'appgroup', k);
    }
    const everyoneApp = this.apps[0];
    everyoneApp.group = this.everyone;
    this.everyone.apps.push(everyoneApp);
    for (const [i, app] of grouped.entries()) {
      if (!this.zipf.length) break;
      // The largest group no bigger than the budget (sizes are sorted, largest first), or one of the next few.
      let lo = 0;
      let hi = zipfSizes.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (zipfSizes[mid] <= groupBudget[i]) hi = mid;
        else lo = mid + 1;
      }
      const g = this.zipf[Math.min(zipfSizes.length - 1, lo + r.int(5))];
      app.group = g;
      g.apps.push(app);
    }
    const order = r.sample(userApps, userApps.length);
    for (const [i, app] of order.entries()) {
      app.direct = env.sel('odirect', this.apps.indexOf(app), M, directBudget[i]);
    }
  }

  private makeIdps(): void {
    const { env } = this;
    const specs: [string, string, string, OktaIdp['deprovisioned'], OktaIdp['suspended']][] = [
      ['SAML2', 'Corporate AD FS', 'SAML2', 'REACTIVATE', 'NONE'],
      ['SAML2', 'Partner SAML', 'SAML2', 'NONE', 'UNSUSPEND'],
      ['GOOGLE', 'Google Workspace', 'OIDC', 'NONE', 'NONE'],
      ['OIDC', 'Contractor Portal OIDC', 'OIDC', 'NONE', 'NONE'],
    ];
    for (const [k, [type, name, protocol, deprovisioned, suspended]] of specs.entries()) {
      this.idps.push({ id: env.ids.okta('0oa', 'idp', k), type, name, protocol, deprovisioned, suspended });
    }
  }

  private makeAdmins(r: Prng): void {
    const { env } = this;
    const ppl = env.people;
    for (const p of ppl.bgOkta) if (ppl.has(p, F_ADMIN) || (ppl.has(p, F_ALT) && ppl.has(p, F_OKTA))) this.admins.push(p);
    if (this.admins.length === 0 && ppl.bgOkta.length) this.admins.push(ppl.bgOkta[0]);
    for (const [i, p] of this.admins.entries()) {
      const x = r.unit();
      if (x < 0.5) {
        const role = r.chance(0.15) ? OKTA_ROLE.superAdmin : r.chance(0.1) ? OKTA_ROLE.orgAdmin : r.pick(OKTA_COMMON_ROLES);
        this.userRoles.push({ p, role: { id: env.ids.okta('ra1', 'userrole', i), type: role.type, label: role.label, created: env.at - r.range(30, 900) * DAY } });
      } else {
        r.pick(this.roleGroups).explicitPersons.push(p);
      }
    }
    for (const [i, g] of this.roleGroups.entries()) {
      if (!g.explicitPersons.length) g.explicitPersons.push(this.admins[i % this.admins.length]);
    }
  }
}
