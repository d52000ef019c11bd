/**
 * Plants what a leaver holds in Okta: the user (status, status change time, sign-in provider),
 * its group memberships (Everyone, ordinary groups, imported app groups, groups holding admin
 * roles) with the group-derived app user records that Okta lists for them, direct app
 * assignments on apps of every sign-on mode (with and without downstream accounts), admin roles,
 * API tokens, refresh tokens (some revoked or expired), and System Log events in which the
 * leaver created, activated or read a client credential of a service app (with credentials
 * created before and after the event). Nothing here decides a finding.
 */
import { OKTA_COMMON_ROLES, OKTA_CREDENTIAL_EVENTS, OKTA_ROLE } from './catalogue.js';
import { DAY, HOUR, MINUTE } from './clock.js';
import type { OktaAccount, OktaApp, OktaGroup, PlantedAppUser } from './model.js';
import type { Prng } from './prng.js';
import type { SynthEnv } from './SynthEnv.js';
import type { TenantPlan } from './TenantPlan.js';

/** The System Log window the synthetic org keeps (`logs` holds 90 days). */
export const LOG_DAYS = 90;

export interface OktaAccountSpec {
  id: string;
  login: string;
  email: string;
  employeeNumber: string | null;
  first: string;
  last: string;
}

const INTERESTING_APPS = [
  'salesforce',
  'jira',
  'zendesk',
  'slack',
  'box',
  'office365',
  'sharepoint_onprem',
  'expense_portal',
  'legacy_hr',
  'vendor_portal',
  'network_admin',
  'social_media',
  'shared_analytics',
  'intranet_swa',
  'bank_portal',
  'timesheet',
  'github',
];

export class OktaPlanter {
  constructor(
    readonly env: SynthEnv,
    readonly plan: TenantPlan,
  ) {}

  account(r: Prng, spec: OktaAccountSpec, status: string, statusChanged: number, created: number, provider: OktaAccount['provider'] = 'OKTA'): OktaAccount {
    const a: OktaAccount = {
      source: 'okta',
      id: spec.id,
      login: spec.login,
      email: spec.email,
      employeeNumber: spec.employeeNumber,
      firstName: spec.first,
      lastName: spec.last,
      status,
      statusChanged,
      provider,
      created,
      groups: [],
      apps: [],
      userRoles: [],
      apiTokens: [],
      refreshTokens: [],
      svcEvents: [],
    };
    // Everyone holds every user, and the apps assigned to Everyone list every user.
    this.join(r, a, this.plan.okta.everyone);
    return a;
  }

  provider(r: Prng, force?: boolean): OktaAccount['provider'] {
    if (force) return r.chance(0.8) ? 'FEDERATION' : 'SOCIAL';
    const x = r.unit();
    return x < 0.18 ? 'FEDERATION' : x < 0.21 ? 'SOCIAL' : 'OKTA';
  }

  private record(r: Prng, a: OktaAccount, app: OktaApp, scope: 'USER' | 'GROUP'): void {
    if (a.apps.some((x) => x.app === app)) return;
    const deprovisioned = a.status === 'DEPROVISIONED';
    const rec: PlantedAppUser = {
      userId: a.id,
      login: app.signOnMode === 'AUTO_LOGIN' && app.scheme === 'SHARED_USERNAME_AND_PASSWORD' ? `${app.name}-team` : a.login,
      scope,
      externalId: app.externalIds ? `${app.externalPrefix}${String(this.env.h.int('extid', this.env.next('extid'), 1e9)).padStart(9, '0')}` : null,
      status: app.externalIds ? (deprovisioned ? 'DEPROVISIONED' : 'PROVISIONED') : 'ACTIVE',
      created: a.created + r.range(1, 200) * DAY,
    };
    app.planted.push(rec);
    a.apps.push({ app, record: rec });
  }

  /** Membership, and the app user records of the apps assigned to the group. */
  join(r: Prng, a: OktaAccount, g: OktaGroup): void {
    if (a.groups.includes(g)) return;
    a.groups.push(g);
    g.planted.push(a.id);
    for (const app of g.apps) this.record(r, a, app, 'GROUP');
  }

  memberships(r: Prng, a: OktaAccount): void {
    const n = r.weighted([
      [0, 15],
      [1, 25],
      [2, 25],
      [3, 15],
      [5, 10],
      [7, 10],
    ] as const);
    for (let k = 0; k < n; k++) this.join(r, a, this.plan.okta.pickZipfGroup(r));
    if (r.chance(0.3) && this.plan.okta.appGroups.length) this.join(r, a, r.pick(this.plan.okta.appGroups));
  }

  roleGroup(r: Prng, a: OktaAccount, tier0?: boolean): void {
    const gs = this.plan.okta.roleGroups;
    const g = (tier0 ?? r.chance(0.3)) ? gs[r.int(2)] : gs[2 + r.int(gs.length - 2)];
    this.join(r, a, g);
  }

  userRole(r: Prng, a: OktaAccount, tier0?: boolean): void {
    const role = (tier0 ?? r.chance(0.35)) ? r.pick([OKTA_ROLE.superAdmin, OKTA_ROLE.orgAdmin]) : r.pick(OKTA_COMMON_ROLES);
    if (a.userRoles.some((x) => x.type === role.type)) return;
    a.userRoles.push({ id: this.env.okta('ra1', 'userrole'), type: role.type, label: role.label, created: a.created + r.range(10, 300) * DAY });
  }

  /** Direct assignments, mostly on the apps that decide findings. */
  directApps(r: Prng, a: OktaAccount, count: number, names?: string[]): void {
    const plan = this.plan;
    const wanted = names ?? [];
    for (let k = wanted.length; k < count; k++) {
      if (r.chance(0.75)) wanted.push(r.pick(INTERESTING_APPS));
      else {
        const extra = plan.okta.apps.filter((x) => !x.oauth || x.oauth.type !== 'service');
        wanted.push(r.pick(extra).name);
      }
    }
    for (const name of wanted) {
      const app = plan.okta.appByName.get(name);
      if (!app || app.oauth?.type === 'service' || app.group === plan.okta.everyone) continue;
      this.record(r, a, app, 'USER');
    }
  }

  apiToken(r: Prng, a: OktaAccount, expired?: boolean): void {
    const at = this.env.at;
    const exp = expired ?? r.chance(0.3);
    const expiresAt = exp ? at - r.range(1, 60) * DAY : at + r.range(1, 29) * DAY + r.range(0, 23) * HOUR;
    a.apiTokens.push({
      id: this.env.okta('00T', 'apitoken'),
      name: `${a.firstName.toLowerCase()}-${r.pick(['automation', 'scripts', 'terraform', 'reporting', 'sync'])}`,
      expiresAt,
      created: a.created + r.range(30, 400) * DAY,
    });
  }

  refreshTokens(r: Prng, a: OktaAccount, d0: number, variant?: 'active' | 'revoked' | 'expired'): void {
    const at = this.env.at;
    const apps = this.plan.okta.apps.filter((x) => x.oauth && (x.oauth.type === 'web' || x.oauth.type === 'native') && !x.clientRoles.length && !x.grants.length);
    const app = r.pick(apps);
    const v =
      variant ??
      r.weighted([
        ['active', 60],
        ['revoked', 25],
        ['expired', 15],
      ] as const);
    const created = Math.min(d0, at) - r.range(1, 60) * DAY;
    let expiresAt: number | null;
    if (v === 'expired') expiresAt = at - r.range(1, 30) * DAY;
    else expiresAt = r.chance(0.4) ? null : at + r.range(1, 90) * DAY;
    a.refreshTokens.push({ id: this.env.okta('oar', 'refreshtoken'), status: v === 'revoked' ? 'REVOKED' : 'ACTIVE', expiresAt, created, app });
  }

  /**
   * The account touched a service app's client credentials at `t`: created one, activated one or
   * read the secret. The app then holds credentials from before and after the event.
   */
  serviceCredential(r: Prng, a: OktaAccount, t: number, appName?: string, force: { later?: boolean; inactive?: boolean } = {}): void {
    const plan = this.plan;
    const services = plan.okta.apps.filter((x) => x.oauth?.type === 'service');
    const app = appName ? plan.okta.appByName.get(appName)! : r.pick(services);
    const jwt = app.oauth!.authMethod === 'private_key_jwt';
    const type = jwt ? r.pick([OKTA_CREDENTIAL_EVENTS[0], OKTA_CREDENTIAL_EVENTS[1]]) : r.pick(OKTA_CREDENTIAL_EVENTS);
    if (type === OKTA_CREDENTIAL_EVENTS[0] || type === OKTA_CREDENTIAL_EVENTS[1]) {
      const created = type === OKTA_CREDENTIAL_EVENTS[0] ? t : t - r.range(1, 48) * HOUR;
      if (jwt) app.jwks.push({ id: this.env.okta('pks', 'jwk'), kid: `${app.name}-${this.env.next('kid')}`, status: 'ACTIVE', created });
      else app.secrets.push({ id: this.env.okta('ocs', 'secret'), status: 'ACTIVE', created });
    }
    a.svcEvents.push({ uuid: this.env.guid('log'), time: t, eventType: type, app });
    if (force.later || r.chance(0.3)) {
      // Someone rotated the credential later: the new one was not created by the leaver.
      const later = Math.min(this.env.at - HOUR, t + r.range(1, 20) * DAY);
      if (later > t) {
        if (jwt) app.jwks.push({ id: this.env.okta('pks', 'jwk'), kid: `${app.name}-${this.env.next('kid')}`, status: 'ACTIVE', created: later });
        else app.secrets.push({ id: this.env.okta('ocs', 'secret'), status: 'ACTIVE', created: later });
      }
    }
    if (force.inactive || r.chance(0.2)) {
      // An old credential, deactivated: older than the event, but INACTIVE.
      if (jwt) app.jwks.push({ id: this.env.okta('pks', 'jwk'), kid: `${app.name}-${this.env.next('kid')}`, status: 'INACTIVE', created: t - r.range(30, 300) * DAY });
      else app.secrets.push({ id: this.env.okta('ocs', 'secret'), status: 'INACTIVE', created: t - r.range(30, 300) * DAY });
    }
  }

  /** Controls: a non-matching event type on a service app, or a secret read on a web app. */
  serviceControlEvent(r: Prng, a: OktaAccount, t: number, both = false): void {
    const which = both ? 2 : r.int(2);
    if (which !== 1) {
      const services = this.plan.okta.apps.filter((x) => x.oauth?.type === 'service');
      a.svcEvents.push({ uuid: this.env.guid('log'), time: t, eventType: 'app.oauth2.credentials.lifecycle.deactivate', app: r.pick(services) });
    }
    if (which !== 0) {
      const web = this.plan.okta.appByName.get('customer_portal')!;
      a.svcEvents.push({ uuid: this.env.guid('log'), time: t - MINUTE, eventType: 'app.oauth2.client.read_client_secret', app: web });
    }
  }
}
