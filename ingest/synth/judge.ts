/**
 * The ground truth of a synthetic tenant: the findings the rule catalogue
 * (residual-access-rules.md) implies at `at` for `revenant residual --all`, derived from the
 * planted leaver model, never from the written files and never by running the engine. It can be
 * exact because the tenant is built so that only planted persons are departed and only they hold
 * what the rules look at; everything they hold is in the model. The catalogue's words map to
 * code one to one: departed subjects and departure time D ("Words"), applicability and
 * suppression ("Which rules apply"), reach and tier 0, and the four severity lines. A
 * configuration the catalogue leaves open throws instead of guessing; the planner avoids them.
 */
import {
  GRAPH_TIER0,
  OKTA_CREDENTIAL_EVENTS,
  OKTA_DISABLED,
  OKTA_TIER0_ROLES,
  OKTA_USABLE,
  PASSWORD_SIGN_ON_MODES,
  type RuleId,
  USER_KNOWS_PASSWORD_SCHEMES,
  oktaScopeIsTier0,
  roleIsTier0,
} from './catalogue.js';
import { HOUR, graphTime, oktaTime } from './clock.js';
import type { Account, AzureRole, EntraAccount, EntraApp, EntraGroup, LeaverPerson, OktaAccount, OktaApp, OktaIdp, OktaRoleAssign, RoleAssign } from './model.js';

export type Status = 'live' | 'window' | 'unverified' | 'dormant';
export type Severity = 'critical' | 'high' | 'medium' | 'low';

export interface ExpectedFinding {
  rule: RuleId;
  subject: string;
  via: string;
  status: Status;
  severity: Severity;
  validUntil: string | null;
}

export interface Reach {
  tier0: boolean;
  /** Any application permission, okta.* scope grant or admin role (tier 0 included). */
  priv: boolean;
}

export interface Judgement {
  findings: ExpectedFinding[];
  closed: string[];
  notClosed: string[];
  /** Departed subjects by source. */
  departed: { entra: number; okta: number };
  /**
   * Negative controls met while judging: planted facts that look like residual access but that
   * the catalogue excludes (an expired secret, a revoked token, a co-owner still active, …).
   */
  controls: Record<string, number>;
}

const NONE: Reach = { tier0: false, priv: false };
const TOKEN_WINDOW = 28 * HOUR;

/** The catalogue's severity lines, first match wins. */
export function severityOf(rule: RuleId, status: Status, reach: Reach): Severity {
  if (rule === 'hr.leaver-account-enabled') return 'critical';
  if (status !== 'dormant' && reach.tier0) return 'critical';
  if (status === 'live' && reach.priv) return 'high';
  if (rule === 'person.other-account-active') return 'high';
  if (status === 'dormant' && reach.tier0) return 'high';
  if (status !== 'dormant') return 'medium';
  return 'low';
}

function entraRolesReach(roles: readonly RoleAssign[]): Reach {
  return { tier0: roles.some((r) => roleIsTier0(r.template, r.scope)), priv: roles.length > 0 };
}

/** The reach of active Azure roles (eligibilities are no reach: sources-azure.md). */
export function azureReach(roles: readonly AzureRole[] | undefined): Reach {
  const active = (roles ?? []).filter((r) => !r.eligible);
  return { tier0: active.some((r) => r.tier0), priv: active.some((r) => r.priv) };
}

export function joinReach(...list: Reach[]): Reach {
  return { tier0: list.some((r) => r.tier0), priv: list.some((r) => r.priv) };
}

/** An application's reach is its service principal's: app permissions, directory roles and Azure roles. */
export function entraAppReach(app: EntraApp): Reach {
  const tier0 = app.graphPerms.some((g) => GRAPH_TIER0.has(g.perm)) || app.spRoles.some((r) => roleIsTier0(r.template, r.scope));
  return joinReach({ tier0, priv: tier0 || app.graphPerms.length > 0 || app.otherPerms.length > 0 || app.spRoles.length > 0 }, azureReach(app.azure));
}

function entraGroupReach(g: EntraGroup): Reach {
  return joinReach(entraRolesReach(g.roles), azureReach(g.azure));
}

/** An Entra account's own reach: directory roles (direct and through role-assignable groups) and Azure roles (direct and through groups). */
export function entraAccountReach(a: EntraAccount): Reach {
  return joinReach(entraRolesReach(entraRoles(a)), azureReach(a.azure), ...a.groups.map((g) => azureReach(g.azure)));
}

function oktaRolesReach(roles: readonly OktaRoleAssign[]): Reach {
  return { tier0: roles.some((r) => OKTA_TIER0_ROLES.has(r.type)), priv: roles.length > 0 };
}

/** An Okta app's reach: its client admin roles and okta.* scope grants. */
function oktaAppReach(app: OktaApp): Reach {
  const grants = app.grants.filter((g) => g.scope.startsWith('okta.'));
  const tier0 = app.clientRoles.some((r) => OKTA_TIER0_ROLES.has(r.type)) || grants.some((g) => oktaScopeIsTier0(g.scope));
  return { tier0, priv: tier0 || app.clientRoles.length > 0 || grants.length > 0 };
}

/** An app pushes deactivation: the feature, and an enabled lifecycleDeactivate if a record exists. */
export function pushesDeactivation(app: OktaApp): boolean {
  if (!app.features.includes('PUSH_USER_DEACTIVATION')) return false;
  return app.provisioningRecord === null || app.provisioningRecord.lifecycleDeactivate === 'ENABLED';
}

const CRED_ACTIVITIES = new Set(['add service principal credentials', 'update application - certificates and secrets management']);
export function isCredentialActivity(name: string): boolean {
  return CRED_ACTIVITIES.has(name.trim().replace(/\u2013/g, '-').toLowerCase());
}

/** An HR date without a time is midnight UTC. */
export function instantOf(d: string): number {
  return Date.parse(d.length === 10 ? `${d}T00:00:00Z` : d);
}

function entraRoles(a: EntraAccount): RoleAssign[] {
  const out = [...a.roles];
  for (const g of a.groups) if (g.isAssignableToRole) out.push(...g.roles);
  return out;
}

function oktaRoles(o: OktaAccount): OktaRoleAssign[] {
  const out = [...o.userRoles];
  for (const g of o.groups) out.push(...g.roles);
  return out;
}

export function usable(a: Account): boolean {
  return a.source === 'entra' ? a.enabled && !a.deleted : OKTA_USABLE.has(a.status);
}

export function ownDisabled(a: Account): boolean {
  return a.source === 'entra' ? !a.enabled || a.deleted : OKTA_DISABLED.has(a.status);
}

function validAt(start: number, end: number | null, at: number): boolean {
  return start <= at && (end === null || at < end);
}

export function judge(persons: readonly LeaverPerson[], at: number, idps: readonly OktaIdp[]): Judgement {
  const findings: ExpectedFinding[] = [];
  const closed: string[] = [];
  const notClosed: string[] = [];
  const departedCount = { entra: 0, okta: 0 };
  const controls: Record<string, number> = {};
  const ctl: Ctl = (name) => {
    controls[name] = (controls[name] ?? 0) + 1;
  };

  // Pass 1: who is departed, and who is disabled in their own source.
  const departedIds = new Set<string>();
  const hrDepartedOf = new Map<LeaverPerson, boolean>();
  for (const person of persons) {
    const h = person.hr;
    const hrDeparted = !!h && h.status === 'terminated' && (h.terminationDate === null || instantOf(h.terminationDate) <= at);
    hrDepartedOf.set(person, hrDeparted);
    for (const a of [...person.entra, ...person.okta]) {
      const leave = a.source === 'entra' && a.leaveDate !== null && a.leaveDate <= at;
      if (ownDisabled(a) || leave || hrDeparted) departedIds.add(a.id);
    }
  }

  for (const person of persons) {
    const hrDeparted = hrDepartedOf.get(person)!;
    const accounts: Account[] = [...person.entra, ...person.okta];
    /** hr.leaver-account-enabled reports this account. */
    const hrReports = (b: Account) => usable(b) && (hrDeparted || (b.source === 'entra' && b.leaveDate !== null && b.leaveDate <= at));
    const rolesReach = (b: Account) => (b.source === 'entra' ? entraAccountReach(b) : oktaRolesReach(oktaRoles(b)));

    for (const a of accounts) {
      if (!departedIds.has(a.id)) continue;
      departedCount[a.source]++;
      const out = new Map<string, ExpectedFinding>();
      const add = (rule: RuleId, via: string, status: Status, reach: Reach, validUntil: string | null) => {
        const key = `${rule}\u0000${via}`;
        if (out.has(key)) return;
        out.set(key, { rule, subject: a.id, via, status, severity: severityOf(rule, status, reach), validUntil });
      };
      const disabled = ownDisabled(a);

      if (a.source === 'entra') {
        judgeEntra(a, person, disabled, hrDeparted, departedIds, at, add, ctl);
        judgeAzure(a, disabled, at, add, ctl);
      }
      else judgeOkta(a, disabled, hrDeparted, at, idps, add, ctl);

      // Cross-source rules.
      if (disabled) {
        for (const b of accounts) {
          if (b === a) continue;
          if (!usable(b)) {
            ctl('person.other-account-not-usable');
            continue;
          }
          if (hrReports(b)) {
            ctl('person.other-account-reported-by-hr-rule');
            continue;
          }
          add('person.other-account-active', b.id, 'live', rolesReach(b), null);
        }
      }
      if (hrReports(a)) add('hr.leaver-account-enabled', a.id, 'live', NONE, null);

      const list = [...out.values()];
      findings.push(...list);
      (list.length ? notClosed : closed).push(a.id);
    }
  }
  findings.sort((x, y) => (x.rule < y.rule ? -1 : x.rule > y.rule ? 1 : x.subject < y.subject ? -1 : x.subject > y.subject ? 1 : x.via < y.via ? -1 : x.via > y.via ? 1 : 0));
  closed.sort();
  notClosed.sort();
  return { findings, closed, notClosed, departed: departedCount, controls };
}

type Add = (rule: RuleId, via: string, status: Status, reach: Reach, validUntil: string | null) => void;
type Ctl = (name: string) => void;

/** Departure time D of an Entra account (the catalogue's "Words"). */
export function entraDeparture(a: EntraAccount, person: LeaverPerson, disabled: boolean, hrDeparted: boolean, at: number): number | null {
  const leaveDeparted = a.leaveDate !== null && a.leaveDate <= at;
  const disables = a.disableEvents.filter((t) => t <= at);
  if (disables.length) return Math.max(...disables);
  if (a.deleted) return a.deletedAt;
  if (leaveDeparted) {
    if (disabled) throw new Error(`judge: ${a.id}: disabled with a past leave date and no audit event (D is ambiguous)`);
    return a.leaveDate;
  }
  if (hrDeparted) return person.hr!.terminationDate === null ? null : instantOf(person.hr!.terminationDate);
  return null;
}

function judgeEntra(
  a: EntraAccount,
  person: LeaverPerson,
  disabled: boolean,
  hrDeparted: boolean,
  departedIds: ReadonlySet<string>,
  at: number,
  add: Add,
  ctl: Ctl,
): void {
  const D = entraDeparture(a, person, disabled, hrDeparted, at);
  const own = entraAccountReach(a);

  // Credentials on owned applications and service principals.
  const reported = new Set<string>();
  const creds = (app: EntraApp, list: EntraApp['appCreds']) => {
    for (const c of list) {
      if (!validAt(c.start, c.end, at)) {
        ctl(c.start > at ? 'entra.owned-credential-not-yet-valid' : 'entra.owned-credential-expired');
        continue;
      }
      if (D !== null && disabled && c.start > D) {
        ctl('entra.owned-credential-added-after-departure');
        continue;
      }
      reported.add(c.keyId.toLowerCase());
      add(c.kind === 'secret' ? 'entra.owned-app-secret' : 'entra.owned-app-certificate', c.keyId, 'live', entraAppReach(app), c.end === null ? null : graphTime(c.end));
    }
  };
  for (const app of a.ownedApps) {
    creds(app, app.appCreds);
    for (const fic of app.fics) add('entra.owned-app-federated-credential', fic.id, 'live', entraAppReach(app), null);
  }
  for (const app of a.ownedSps) creds(app, app.spCreds);

  // Credentials the subject added to objects it does not own.
  for (const ev of a.credEvents) {
    if (ev.time > at) continue;
    if (!isCredentialActivity(ev.activity)) {
      ctl('entra.credential-event-other-activity');
      continue;
    }
    const onApp = ev.targetType === 'Application';
    const owners = onApp ? ev.target.appOwners : ev.target.spOwners;
    if (owners.some((o) => o.id === a.id)) continue;
    const newKeys = new Set(ev.newKeys.map((k) => k.toLowerCase()));
    const oldKeys = new Set(ev.oldKeys.map((k) => k.toLowerCase()));
    for (const c of onApp ? ev.target.appCreds : ev.target.spCreds) {
      const k = c.keyId.toLowerCase();
      if (!newKeys.has(k)) continue;
      if (oldKeys.has(k)) {
        ctl('entra.credential-event-key-already-listed');
        continue;
      }
      if (!validAt(c.start, c.end, at)) {
        ctl('entra.credential-added-expired');
        continue;
      }
      if (reported.has(k)) continue;
      add('entra.credential-added-by-subject', c.keyId, 'live', entraAppReach(ev.target), c.end === null ? null : graphTime(c.end));
    }
  }

  if (!disabled) return;

  if (!a.deleted && a.synced === true) add('entra.synced-disable-may-revert', a.id, 'unverified', own, null);

  const v = a.sessionsValidFrom;
  if (D === null && v !== null) ctl('entra.sessions-revoked-departure-unknown');
  if (D !== null && v !== null && v >= D) ctl('entra.sessions-revoked-after-departure');
  if (D !== null) {
    if (v === null || v < D) {
      if (at < D + TOKEN_WINDOW) add('entra.sessions-not-revoked', a.id, 'window', own, graphTime(D + TOKEN_WINDOW));
      else add('entra.sessions-not-revoked', a.id, 'dormant', own, null);
    }
  } else if (v === null) add('entra.sessions-not-revoked', a.id, 'dormant', own, null);

  for (const r of a.roles) add('entra.dormant-role', r.id, 'dormant', entraRolesReach([r]), null);
  for (const g of a.groups) if (g.isAssignableToRole) for (const r of g.roles) add('entra.dormant-role', r.id, 'dormant', entraRolesReach([r]), null);
  for (const e of a.eligibilities) {
    if (e.end !== null && e.end <= at) {
      ctl('entra.eligibility-expired');
      continue;
    }
    add('entra.dormant-role', e.id, 'dormant', { tier0: roleIsTier0(e.template, e.scope), priv: true }, null);
  }

  for (const app of a.ownedApps) add('entra.dormant-ownership', app.appObjectId!, 'dormant', entraAppReach(app), null);
  for (const app of a.ownedSps) add('entra.dormant-ownership', app.spId, 'dormant', entraAppReach(app), null);
  for (const g of a.ownedGroups) add('entra.dormant-ownership', g.id, 'dormant', entraGroupReach(g), null);

  for (const x of a.appAssignments) add('entra.dormant-app-assignment', x.id, 'dormant', NONE, null);
  for (const g of a.grants) add('entra.dormant-consent-grant', g.id, 'dormant', NONE, null);
  for (const g of a.groups) add('entra.dormant-membership', g.id, 'dormant', entraGroupReach(g), null);

  const allDeparted = (owners: EntraApp['appOwners']) =>
    owners.length > 0 && owners.every((o) => o.type === 'user' && departedIds.has(o.id));
  for (const app of a.ownedApps) {
    if (allDeparted(app.appOwners)) add('nhi.ownerless', app.appObjectId!, 'dormant', entraAppReach(app), null);
    else ctl('nhi.active-co-owner');
  }
  for (const app of a.ownedSps) {
    if (allDeparted(app.spOwners)) add('nhi.ownerless', app.spId, 'dormant', entraAppReach(app), null);
    else ctl('nhi.active-co-owner');
  }
}

/**
 * sources-azure.md: `azure.dormant-role` for a subject disabled in its own source (each active
 * assignment or unexpired eligibility, direct or through a group); `azure.role-held-by-departed-guest`
 * for an enabled guest (departed through HR: the only departed enabled account that holds Azure roles).
 */
function judgeAzure(a: EntraAccount, disabled: boolean, at: number, add: Add, ctl: Ctl): void {
  const roles = [...(a.azure ?? []), ...a.groups.flatMap((g) => g.azure ?? [])];
  if (!roles.length) return;
  const guest = !disabled && a.userType === 'Guest' && usable(a);
  if (!disabled && !guest) throw new Error(`judge: ${a.id}: Azure roles on an enabled member leaver (the planner avoids it)`);
  for (const r of roles) {
    if (r.eligible && r.end !== null && r.end <= at) {
      ctl('azure.eligibility-expired');
      continue;
    }
    const validUntil = r.eligible && r.end !== null ? graphTime(r.end) : null;
    add(disabled ? 'azure.dormant-role' : 'azure.role-held-by-departed-guest', r.id, disabled ? 'dormant' : 'unverified', { tier0: r.tier0, priv: r.priv }, validUntil);
  }
}

function judgeOkta(o: OktaAccount, disabled: boolean, hrDeparted: boolean, at: number, idps: readonly OktaIdp[], add: Add, ctl: Ctl): void {
  const own = oktaRolesReach(oktaRoles(o));
  const status = o.status;

  for (const { app, record } of o.apps) {
    const push = pushesDeactivation(app);
    const pw =
      PASSWORD_SIGN_ON_MODES.has(app.signOnMode) &&
      app.scheme !== null &&
      USER_KNOWS_PASSWORD_SCHEMES.has(app.scheme) &&
      !(status === 'DEPROVISIONED' && push);
    const shared = app.scheme === 'SHARED_USERNAME_AND_PASSWORD' && app.revealPassword === true;
    const down = record.externalId !== null && (status === 'SUSPENDED' || (status === 'DEPROVISIONED' && !push));
    const reach = oktaAppReach(app);
    if (status === 'DEPROVISIONED' && push && (record.externalId !== null || PASSWORD_SIGN_ON_MODES.has(app.signOnMode))) ctl('okta.app-pushes-deactivation');
    if (app.scheme !== null && !pw && !shared && !USER_KNOWS_PASSWORD_SCHEMES.has(app.scheme)) ctl('okta.app-password-not-known-to-user');
    if (pw) add('okta.app-password-known', app.id, 'live', reach, null);
    if (shared) add('okta.shared-app-password', app.id, 'live', reach, null);
    if (down && !pw && !shared) add('okta.downstream-account-not-deprovisioned', app.id, 'unverified', reach, null);
    if (status === 'SUSPENDED' && !pw && !shared && !down) add('okta.dormant-app-assignment', app.id, 'dormant', reach, null);
  }

  for (const t of o.apiTokens) {
    if (!(t.expiresAt > at)) {
      ctl('okta.api-token-expired');
      continue;
    }
    let s: Status;
    if (status === 'SUSPENDED') s = 'dormant';
    else if (status === 'DEPROVISIONED' || (hrDeparted && status === 'ACTIVE')) s = 'live';
    else throw new Error(`judge: ${o.id}: API token of a departed ${status} user (the catalogue does not say)`);
    add('okta.api-token-of-departed', t.id, s, own, oktaTime(t.expiresAt));
  }

  for (const t of o.refreshTokens) {
    if (t.status !== 'ACTIVE') {
      ctl('okta.refresh-token-revoked');
      continue;
    }
    if (t.expiresAt !== null && t.expiresAt <= at) {
      ctl('okta.refresh-token-expired');
      continue;
    }
    const reach = oktaAppReach(t.app);
    if (reach.priv) throw new Error(`judge: ${t.id}: refresh token for an app with admin reach (ambiguous)`);
    add('okta.refresh-token-active', t.id, 'unverified', reach, t.expiresAt === null ? null : oktaTime(t.expiresAt));
  }

  const lastEvent = new Map<OktaApp, number>();
  for (const ev of o.svcEvents) {
    if (ev.time > at) continue;
    if (!(OKTA_CREDENTIAL_EVENTS as readonly string[]).includes(ev.eventType)) {
      ctl('okta.service-event-other-type');
      continue;
    }
    if (ev.app.oauth?.type !== 'service') {
      ctl('okta.credential-event-not-service-app');
      continue;
    }
    lastEvent.set(ev.app, Math.max(lastEvent.get(ev.app) ?? -Infinity, ev.time));
  }
  for (const [app, t] of lastEvent) {
    const reach = oktaAppReach(app);
    if (!reach.priv) {
      ctl('okta.service-app-without-roles-or-grants');
      continue;
    }
    for (const c of [...app.secrets, ...app.jwks]) {
      if (c.status === 'ACTIVE' && c.created <= t) add('okta.service-app-credential-by-subject', c.id, 'live', reach, null);
      else if (c.status !== 'ACTIVE' && c.created <= t) ctl('okta.service-credential-inactive');
      else if (c.created > t) ctl('okta.service-credential-created-after-event');
    }
  }

  if (o.provider === 'FEDERATION' || o.provider === 'SOCIAL') {
    for (const idp of idps) {
      if ((status === 'DEPROVISIONED' && idp.deprovisioned === 'REACTIVATE') || (status === 'SUSPENDED' && idp.suspended === 'UNSUSPEND')) {
        add('okta.idp-may-reactivate', idp.id, 'unverified', own, null);
      } else ctl('okta.idp-does-not-reactivate');
    }
  }

  if (!disabled) return;
  for (const r of o.userRoles) add('okta.dormant-role', r.id, 'dormant', oktaRolesReach([r]), null);
  for (const g of o.groups) for (const r of g.roles) add('okta.dormant-role', r.id, 'dormant', oktaRolesReach([r]), null);
  for (const g of o.groups) {
    if (g.type === 'OKTA_GROUP') add('okta.dormant-membership', g.id, 'dormant', oktaRolesReach(g.roles), null);
    else ctl(g.type === 'BUILT_IN' ? 'okta.membership-built-in' : 'okta.membership-app-group');
  }
}

