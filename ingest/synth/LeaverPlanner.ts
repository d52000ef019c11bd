/**
 * The leaver population (about 8% of people): for each leaver person, a kind (how their
 * accounts ended up: disabled in Entra only, in both IdPs, in Okta only, still active in one
 * IdP, HR leaver still enabled, alt admin account left enabled, leave date passed, deleted,
 * guest, shared mailbox, recycled mail address, staged Okta account) and the entitlements each
 * account keeps, drawn at realistic rates with negative controls beside them. The first leavers
 * follow fixed recipes so that every rule of the catalogue (and the main controls) occurs in
 * any tenant with enough leavers (about 2,000 users or more); the rest are drawn at random.
 * Each leaver has its own random stream, so the plan is a pure function of the seed.
 */
import { DEPARTMENTS, GROUP_THEMES } from './names.js';
import { DAY, HOUR, MINUTE, dateOnly, wholeSeconds } from './clock.js';
import { AUDIT_DAYS, type EntraAccountSpec, EntraPlanter, type ReachKind } from './EntraPlanter.js';
import type { EntraAccount, HrRecord, LeaverPerson, OktaAccount } from './model.js';
import { LOG_DAYS, type OktaAccountSpec, OktaPlanter } from './OktaPlanter.js';
import { Prng } from './prng.js';
import type { SynthEnv } from './SynthEnv.js';
import type { TenantPlan } from './TenantPlan.js';

const LEAVER_KINDS = [
  ['entra-only', 26],
  ['both', 22],
  ['okta-only', 9],
  ['split-okta-active', 6],
  ['split-entra-active', 4],
  ['hr-enabled', 8],
  ['hr-mixed', 5],
  ['alt-admin', 4],
  ['leave-date', 3],
  ['deleted', 4],
  ['guest', 3],
  ['shared-mailbox', 1.5],
  ['recycled-mail', 0.5],
  ['staged-hr', 1],
] as const;
export type LeaverKind = (typeof LEAVER_KINDS)[number][0];

interface Recipe {
  kind: LeaverKind;
  force: string[];
}

/** Fixed recipes for the first leavers: together they plant every rule and the main controls. */
const RECIPES: readonly Recipe[] = [
  { kind: 'entra-only', force: ['window', 'sessNull', 'role0', 'ownApp', 'reach:tier0', 'fic', 'pool', 'credAdd', 'credAddControl', 'hrTerminated', 'coOwnerApp', 'expiredCred', 'futureCred'] },
  { kind: 'both', force: ['recent', 'suspended', 'sessNull', 'federated', 'oktaRole0', 'apps:expense_portal,salesforce,social_media,box,zendesk,legacy_hr', 'apiToken', 'refresh', 'appGroup'] },
  { kind: 'both', force: ['recent', 'deprovisioned', 'federated', 'apps:jira,salesforce,bank_portal,timesheet,social_media,network_admin,vendor_portal,shared_analytics,intranet_swa', 'apiToken', 'refresh', 'refreshRevoked', 'svc:ops-automation', 'svc:report-export', 'svcControl', 'svcLater', 'oktaRoleGroup0'] },
  { kind: 'entra-only', force: ['old', 'sessNull', 'noHr', 'synced', 'elig', 'eligExpired', 'appAssign', 'consent', 'ownGroup', 'decoy'] },
  { kind: 'split-okta-active', force: ['recent', 'sessAfter'] },
  { kind: 'hr-enabled', force: ['ownApp', 'credAdd', 'apiToken', 'apps:expense_portal,social_media', 'refresh', 'bothAccounts'] },
  { kind: 'entra-only', force: ['recent', 'sessBefore', 'roleGroup0', 'ownApp', 'ownSp', 'pool', 'credAddExpired', 'roleScoped', 'hrTerminated'] },
  { kind: 'alt-admin', force: ['altTier0', 'sessNull'] },
  { kind: 'okta-only', force: ['recent', 'suspended', 'apiTokenExpired', 'svc:user-sync', 'svc:wiki-sync', 'apps:slack,office365,github'] },
  { kind: 'entra-only', force: ['old', 'sessAfter', 'ownGallery', 'ownGroupRA', 'hrTerminated', 'pairOwn'] },
  { kind: 'deleted', force: ['window', 'sessNull'] },
  { kind: 'guest', force: ['sessNull', 'oktaActive'] },
  { kind: 'split-entra-active', force: ['deprovisioned'] },
  { kind: 'hr-mixed', force: ['old', 'sessNull'] },
  { kind: 'leave-date', force: [] },
  { kind: 'recycled-mail', force: [] },
  { kind: 'staged-hr', force: [] },
  { kind: 'shared-mailbox', force: [] },
  { kind: 'both', force: ['recent', 'suspended', 'svc:ci-deployer', 'svc:group-sync', 'oktaRoleGroup0', 'federated'] },
  { kind: 'alt-admin', force: ['altDisabled'] },
  { kind: 'entra-only', force: ['recent', 'hrNoDate', 'sessNull', 'ownApp', 'postD'] },
  { kind: 'hr-enabled', force: ['oktaLocked'] },
  { kind: 'entra-only', force: ['window', 'sessBefore', 'ownApp', 'reach:role0', 'hrTerminated'] },
  { kind: 'entra-only', force: ['old', 'noHr', 'sessBefore'] },
  { kind: 'both', force: ['old', 'deprovisioned', 'federated', 'oktaRole0', 'apiToken', 'hrTerminated'] },
];

export class LeaverPlanner {
  readonly entra: EntraPlanter;
  readonly okta: OktaPlanter;
  readonly persons: LeaverPerson[] = [];

  constructor(
    readonly env: SynthEnv,
    readonly plan: TenantPlan,
  ) {
    this.entra = new EntraPlanter(env, plan);
    this.okta = new OktaPlanter(env, plan);
  }

  planAll(): LeaverPerson[] {
    for (const [i, p] of this.env.people.leavers.entries()) {
      const r = new Prng(this.env.seed, `leaver:${p}`);
      const recipe = RECIPES[i];
      const kind = recipe?.kind ?? r.weighted(LEAVER_KINDS);
      this.planPerson(r, p, kind, new Set(recipe?.force ?? []));
    }
    return this.persons;
  }

  // ------------------------------------------------------------------------------------------
  // Shared pieces

  /** The departure time: within the token window, within the audit window, or long ago. */
  private departure(r: Prng, f: Set<string>): number {
    const at = this.env.at;
    const band = f.has('window') ? 'window' : f.has('recent') ? 'recent' : f.has('old') ? 'old' : r.weighted([
      ['window', 5],
      ['recent', 30],
      ['old', 65],
    ] as const);
    let ago: number;
    if (band === 'window') ago = r.range(1, 26) * HOUR + r.range(0, 59) * MINUTE;
    else if (band === 'recent') ago = r.range(29, 27 * 24) * HOUR + r.range(0, 59) * MINUTE;
    else ago = r.range(31, 400) * DAY + r.range(0, 23) * HOUR;
    return wholeSeconds(at - ago);
  }

  private created(r: Prng, before: number): number {
    return wholeSeconds(Math.min(before, this.env.at) - r.range(120, 3000) * DAY - r.range(0, 86399) * 1000);
  }

  private hr(r: Prng, p: number, status: 'active' | 'terminated', d0: number | null, opts: { noDate?: boolean; email?: string; employeeId?: string } = {}): HrRecord {
    const ppl = this.env.people;
    const name = ppl.name(p);
    let employeeId = opts.employeeId ?? ppl.employeeId(p);
    let email = opts.email ?? ppl.mail(p);
    if (r.chance(0.04)) employeeId = ` ${employeeId} `;
    if (r.chance(0.05)) email = email.toUpperCase();
    let terminationDate: string | null = null;
    if (status === 'terminated' && !opts.noDate) terminationDate = dateOnly((d0 ?? this.env.at - DAY) - r.range(0, 4) * DAY);
    return { employeeId, email, displayName: name.display, status, terminationDate };
  }

  private mainSpec(r: Prng, p: number): EntraAccountSpec {
    const ppl = this.env.people;
    const name = ppl.name(p);
    const mail = ppl.mail(p);
    return {
      id: this.env.ids.guid('user', p),
      upn: mail,
      mail: r.chance(0.1) ? ppl.capitalised(mail) : mail,
      first: name.first,
      last: name.last,
      employeeId: ppl.employeeId(p),
      userType: 'Member',
      department: DEPARTMENTS[ppl.dept[p]][0],
    };
  }

  private oktaSpec(r: Prng, p: number, opts: { email?: string; employeeNumber?: string | null } = {}): OktaAccountSpec {
    const ppl = this.env.people;
    const name = ppl.name(p);
    const email = opts.email ?? ppl.mail(p);
    return {
      id: this.env.ids.okta('00u', 'user', p),
      login: email,
      email,
      employeeNumber: opts.employeeNumber !== undefined ? opts.employeeNumber : r.chance(0.85) ? ppl.employeeId(p) : null,
      first: name.first,
      last: name.last,
    };
  }

  private forcedList(f: Set<string>, prefix: string): string[] {
    const out: string[] = [];
    for (const x of f) if (x.startsWith(prefix)) out.push(...x.slice(prefix.length).split(','));
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // Entra bundles

  /** A disabled (or deleted) Entra account and everything it keeps. */
  private entraDisabled(r: Prng, p: number, a: EntraAccount, d0: number, f: Set<string>, opts: { deleted?: boolean } = {}): void {
    const E = this.entra;
    const at = this.env.at;
    const ppl = this.env.people;
    E.disable(r, a, d0);
    E.sessions(r, a, d0, f.has('sessNull') ? 'null' : f.has('sessBefore') ? 'before' : f.has('sessAfter') ? 'after' : undefined);
    if (opts.deleted) {
      a.deleted = true;
      a.deletedAt = wholeSeconds(d0 + r.unit() * Math.min(20 * DAY, at - MINUTE - d0));
    } else {
      if (a.userType === 'Member' && a.employeeId && (f.has('synced') || r.chance(0.15))) a.synced = true;
      E.memberships(r, a, ppl.dept[p] ?? 0, ppl.site[p] ?? 0);
      if (f.has('roleGroup0') || r.chance(0.04)) E.roleGroup(r, a, f.has('roleGroup0') ? true : undefined);
      if (f.has('role0')) E.directRole(r, a, { tier0: true, scoped: false });
      if (f.has('roleScoped')) E.directRole(r, a, { tier0: false, scoped: true });
      if (!f.has('role0') && r.chance(0.05)) E.directRole(r, a);
      if (f.has('decoy') || r.chance(0.006)) E.decoyRole(a);
      if (f.has('elig') || r.chance(0.04)) E.eligibility(r, a, d0, false, f.has('elig') ? true : undefined);
      if (f.has('eligExpired') || r.chance(0.03)) E.eligibility(r, a, d0, true);
      const assignments = f.has('appAssign') ? 2 : r.weighted([
        [0, 60],
        [1, 25],
        [2, 10],
        [3, 5],
      ] as const);
      for (let k = 0; k < assignments; k++) E.appAssignment(r, a);
      if (f.has('consent') || r.chance(0.12)) E.consent(r, a);
      this.ownership(r, a, d0, f, true);
      if (f.has('ownGroup') || f.has('ownGroupRA') || r.chance(0.04)) E.ownedGroup(r, a, f.has('ownGroupRA') ? true : undefined);
    }
    this.credentialAdds(r, a, d0, f);
  }

  private ownership(r: Prng, a: EntraAccount, d0: number, f: Set<string>, disabled: boolean): void {
    const E = this.entra;
    const forced = f.has('ownApp') || f.has('ownGallery');
    if (disabled && (f.has('pairOwn') || (!forced && r.chance(0.015))) && E.coOwnExisting(r, a)) return;
    if (f.has('ownApp') || f.has('ownGallery') || r.chance(disabled ? 0.07 : 0.1)) {
      const reach = [...f].find((x) => x.startsWith('reach:'))?.slice(6) as ReachKind | undefined;
      E.ownedApp(r, a, d0, {
        gallery: f.has('ownGallery') || undefined,
        ownSp: f.has('ownSp') || undefined,
        fic: f.has('fic') || undefined,
        reach,
        coOwner: f.has('pool') ? false : undefined,
        postD: f.has('postD') || undefined,
        expired: f.has('expiredCred') || undefined,
        future: f.has('futureCred') || undefined,
        pool: disabled,
      });
      if (f.has('coOwnerApp')) E.ownedApp(r, a, d0, { coOwner: true, gallery: false, pool: false });
      if (r.chance(0.15)) E.ownedApp(r, a, d0, { pool: disabled });
    }
  }

  /** Credentials added to other people's apps, inside the audit window and before departure. */
  private credentialAdds(r: Prng, a: EntraAccount, d0: number, f: Set<string>): void {
    const at = this.env.at;
    const windowStart = at - AUDIT_DAYS * DAY + HOUR;
    const last = Math.min(d0, at) - HOUR;
    const pick = (lo: number, hi: number) => wholeSeconds(lo + r.unit() * (hi - lo));
    if (last <= windowStart) return;
    if (f.has('credAdd') || r.chance(0.03)) this.entra.credentialAdd(r, a, pick(windowStart, last), { onApp: f.has('credAdd') || undefined });
    if (f.has('credAddControl')) this.entra.credentialAdd(r, a, pick(windowStart, last), { control: true });
    if (f.has('credAddExpired')) {
      const hi = Math.min(last, at - 9 * DAY);
      if (hi > windowStart) this.entra.credentialAdd(r, a, pick(windowStart, hi), { expired: true });
    }
  }

  /** An Entra account of a leaver person that stays enabled but is departed (HR or leave date). */
  private entraEnabledLeaver(r: Prng, p: number, a: EntraAccount, departedAt: number, f: Set<string>): void {
    const E = this.entra;
    const ppl = this.env.people;
    E.memberships(r, a, ppl.dept[p] ?? 0, ppl.site[p] ?? 0);
    if (r.chance(0.05)) E.directRole(r, a);
    if (r.chance(0.3)) E.appAssignment(r, a);
    this.ownership(r, a, departedAt, f, false);
    this.credentialAdds(r, a, this.env.at, f);
  }

  /** An enabled account of the same person that is not departed (the other account). */
  private entraActiveOther(r: Prng, p: number, a: EntraAccount, tier0Chance = 0.1): void {
    const E = this.entra;
    const ppl = this.env.people;
    E.memberships(r, a, ppl.dept[p] ?? 0, ppl.site[p] ?? 0);
    if (r.chance(tier0Chance)) E.directRole(r, a, { tier0: true, scoped: false });
    else if (r.chance(0.1)) E.roleGroup(r, a, false);
  }

  // ------------------------------------------------------------------------------------------
  // Okta bundles

  private oktaDeparted(r: Prng, a: OktaAccount, d0: number, f: Set<string>): void {
    const O = this.okta;
    const suspended = a.status === 'SUSPENDED';
    O.memberships(r, a);
    if (f.has('appGroup') && this.plan.okta.appGroups.length) O.join(r, a, this.plan.okta.appGroups[0]);
    if (f.has('oktaRoleGroup0') || r.chance(0.04)) O.roleGroup(r, a, f.has('oktaRoleGroup0') ? true : undefined);
    if (f.has('oktaRole0')) O.userRole(r, a, true);
    else if (r.chance(suspended ? 0.05 : 0.015)) O.userRole(r, a);
    const forcedApps = this.forcedList(f, 'apps:');
    const direct = forcedApps.length || r.weighted([
      [0, 35],
      [1, 30],
      [2, 20],
      [3, 10],
      [4, 5],
    ] as const);
    O.directApps(r, a, direct, forcedApps);
    this.oktaTokens(r, a, d0, f, suspended ? 0.06 : 0.03);
    this.oktaServiceEvents(r, a, d0, f);
  }

  private oktaTokens(r: Prng, a: OktaAccount, d0: number, f: Set<string>, tokenRate: number): void {
    const O = this.okta;
    if (f.has('apiToken') || r.chance(tokenRate)) O.apiToken(r, a, f.has('apiToken') ? false : undefined);
    if (f.has('apiTokenExpired')) O.apiToken(r, a, true);
    if (f.has('refresh') || r.chance(0.12)) {
      O.refreshTokens(r, a, d0, f.has('refresh') ? 'active' : undefined);
      if (r.chance(0.3)) O.refreshTokens(r, a, d0);
    }
    if (f.has('refreshRevoked')) {
      O.refreshTokens(r, a, d0, 'revoked');
      O.refreshTokens(r, a, d0, 'expired');
    }
  }

  private oktaServiceEvents(r: Prng, a: OktaAccount, d0: number, f: Set<string>): void {
    const at = this.env.at;
    const windowStart = at - LOG_DAYS * DAY + HOUR;
    const last = Math.min(d0, at) - HOUR;
    if (last <= windowStart) return;
    const forced = this.forcedList(f, 'svc:');
    const names: (string | undefined)[] = forced.length ? forced : r.chance(0.03) ? [undefined] : [];
    for (const name of names) {
      const t = wholeSeconds(windowStart + r.unit() * (last - windowStart));
      this.okta.serviceCredential(r, a, t, name, { later: f.has('svcLater'), inactive: f.has('svcLater') });
      if (!forced.length && r.chance(0.3)) this.okta.serviceCredential(r, a, Math.min(last, t + r.range(1, 10) * DAY), name);
    }
    if (f.has('svcControl') || (names.length && r.chance(0.3))) this.okta.serviceControlEvent(r, a, wholeSeconds(windowStart + HOUR + r.unit() * (last - windowStart - HOUR)), f.has('svcControl'));
  }

  /** A usable Okta account of an HR leaver: it is departed but not disabled. */
  private oktaUsableLeaver(r: Prng, a: OktaAccount, f: Set<string>): void {
    const O = this.okta;
    O.memberships(r, a);
    if (r.chance(0.04)) O.userRole(r, a);
    const forcedApps = this.forcedList(f, 'apps:');
    O.directApps(r, a, forcedApps.length || r.weighted([
      [0, 40],
      [1, 35],
      [2, 25],
    ] as const), forcedApps);
    if (a.status === 'ACTIVE') this.oktaTokens(r, a, this.env.at, f, 0.05);
    else this.oktaTokens(r, a, this.env.at, new Set([...f].filter((x) => !x.startsWith('apiToken'))), 0);
    this.oktaServiceEvents(r, a, this.env.at, f);
  }

  private oktaActiveOther(r: Prng, a: OktaAccount): void {
    const O = this.okta;
    O.memberships(r, a);
    if (r.chance(0.1)) O.userRole(r, a, true);
    // eslint-disable-next-line no-dupe-else-if -- each chance() draws anew from the generator: a second 10 % draw, not a duplicate
    else if (r.chance(0.1)) O.roleGroup(r, a, false);
    O.directApps(r, a, r.range(0, 2));
  }

  // ------------------------------------------------------------------------------------------
  // Kinds

  private planPerson(r: Prng, p: number, kind: LeaverKind, f: Set<string>): void {
    const env = this.env;
    const at = env.at;
    const E = this.entra;
    const O = this.okta;
    const ppl = env.people;
    const person: LeaverPerson = { p, kind, entra: [], okta: [], hr: null };
    const push = (): void => {
      this.persons.push(person);
    };
    const oktaStatus = () => (f.has('suspended') ? 'SUSPENDED' : f.has('deprovisioned') ? 'DEPROVISIONED' : r.chance(0.4) ? 'SUSPENDED' : 'DEPROVISIONED');
    const oktaTime = (d0: number) => wholeSeconds(Math.min(at - MINUTE, d0 + r.range(-36, 36) * HOUR));
    const provider = () => O.provider(r, f.has('federated') || undefined);

    switch (kind) {
      case 'entra-only': {
        const d0 = this.departure(r, f);
        const a = E.account(this.mainSpec(r, p), this.created(r, d0));
        this.entraDisabled(r, p, a, d0, f);
        person.entra.push(a);
        if (f.has('hrNoDate')) person.hr = this.hr(r, p, 'terminated', d0, { noDate: true });
        else if (f.has('hrTerminated')) person.hr = this.hr(r, p, 'terminated', d0);
        else if (!f.has('noHr')) {
          const h = r.weighted([
            ['terminated', 70],
            ['active', 15],
            ['none', 15],
          ] as const);
          if (h !== 'none') person.hr = this.hr(r, p, h, d0, { noDate: h === 'terminated' && r.chance(0.03) });
        }
        return push();
      }
      case 'both':
      case 'okta-only': {
        const d0 = this.departure(r, f);
        const o = O.account(r, this.oktaSpec(r, p), oktaStatus(), oktaTime(d0), this.created(r, d0), provider());
        this.oktaDeparted(r, o, d0, f);
        person.okta.push(o);
        if (kind === 'both') {
          const a = E.account(this.mainSpec(r, p), this.created(r, d0));
          this.entraDisabled(r, p, a, d0, f);
          person.entra.push(a);
        }
        const h = f.has('hrTerminated') ? 'terminated' : r.weighted([
          ['terminated', kind === 'both' ? 80 : 60],
          ['active', kind === 'both' ? 10 : 0],
          ['none', kind === 'both' ? 10 : 40],
        ] as const);
        if (h !== 'none') person.hr = this.hr(r, p, h, d0);
        return push();
      }
      case 'split-okta-active':
      case 'split-entra-active': {
        const d0 = this.departure(r, f);
        if (kind === 'split-okta-active') {
          const a = E.account(this.mainSpec(r, p), this.created(r, d0));
          this.entraDisabled(r, p, a, d0, f);
          person.entra.push(a);
          const status = r.weighted([
            ['ACTIVE', 80],
            ['LOCKED_OUT', 4],
            ['PASSWORD_EXPIRED', 4],
            ['RECOVERY', 2],
            ['STAGED', 6],
            ['PROVISIONED', 4],
          ] as const);
          const o = O.account(r, this.oktaSpec(r, p), status, this.created(r, d0) + DAY, this.created(r, d0), provider());
          this.oktaActiveOther(r, o);
          person.okta.push(o);
        } else {
          const o = O.account(r, this.oktaSpec(r, p), oktaStatus(), oktaTime(d0), this.created(r, d0), provider());
          this.oktaDeparted(r, o, d0, f);
          person.okta.push(o);
          const a = E.account(this.mainSpec(r, p), this.created(r, d0));
          this.entraActiveOther(r, p, a);
          person.entra.push(a);
        }
        if (r.chance(0.6)) person.hr = this.hr(r, p, 'active', null);
        return push();
      }
      case 'hr-enabled':
      case 'hr-mixed':
      case 'staged-hr': {
        const d0 = wholeSeconds(at - r.range(1, 120) * DAY);
        person.hr = this.hr(r, p, 'terminated', d0, { noDate: kind === 'hr-enabled' && r.chance(0.05) });
        const both = f.has('bothAccounts') || r.chance(0.5);
        const withEntra = kind === 'hr-mixed' || (kind === 'hr-enabled' && (both || r.chance(0.6))) || (kind === 'staged-hr' && r.chance(0.5));
        const withOkta = kind !== 'hr-enabled' || both || !withEntra || f.has('oktaLocked');
        if (withEntra) {
          const a = E.account(this.mainSpec(r, p), this.created(r, d0));
          if (kind === 'hr-enabled') this.entraEnabledLeaver(r, p, a, d0, f);
          else this.entraDisabled(r, p, a, this.departure(r, f), f);
          person.entra.push(a);
        }
        if (withOkta) {
          if (kind === 'staged-hr') {
            const o = O.account(r, this.oktaSpec(r, p), r.chance(0.6) ? 'STAGED' : 'PROVISIONED', this.created(r, d0) + DAY, this.created(r, d0), 'OKTA');
            person.okta.push(o);
          } else {
            const status = f.has('oktaLocked')
              ? 'LOCKED_OUT'
              : r.weighted([
                  ['ACTIVE', 80],
                  ['LOCKED_OUT', 8],
                  ['PASSWORD_EXPIRED', 8],
                  ['RECOVERY', 4],
                ] as const);
            const o = O.account(r, this.oktaSpec(r, p), status, this.created(r, d0) + DAY, this.created(r, d0), provider());
            this.oktaUsableLeaver(r, o, f);
            person.okta.push(o);
          }
        }
        return push();
      }
      case 'alt-admin': {
        const d0 = this.departure(r, f);
        const a = E.account(this.mainSpec(r, p), this.created(r, d0));
        this.entraDisabled(r, p, a, d0, f);
        person.entra.push(a);
        const name = ppl.name(p);
        const alt = E.account(
          { id: ppl.altId(p), upn: ppl.altUpn(p), mail: null, first: name.first, last: `${name.last} (admin)`, employeeId: ppl.employeeId(p), userType: 'Member', department: 'IT' },
          this.created(r, d0),
        );
        const altDisabled = f.has('altDisabled') || r.chance(0.2);
        const tier0 = f.has('altTier0') || (!f.has('altDisabled') && r.chance(0.45));
        if (tier0) E.directRole(r, alt, { tier0: true, scoped: false });
        else if (r.chance(0.5)) E.directRole(r, alt, { tier0: false });
        else E.roleGroup(r, alt, r.chance(0.3));
        if (r.chance(0.2)) E.eligibility(r, alt, d0, r.chance(0.3));
        if (altDisabled) {
          const altD0 = wholeSeconds(Math.min(at - MINUTE, d0 + r.range(0, 48) * HOUR));
          E.disable(r, alt, altD0);
          E.sessions(r, alt, altD0);
        }
        person.entra.push(alt);
        const h = altDisabled ? 'active' : r.weighted([
          ['active', 60],
          ['terminated', 25],
          ['none', 15],
        ] as const);
        if (h !== 'none') person.hr = this.hr(r, p, h, d0);
        return push();
      }
      case 'leave-date': {
        const leave = wholeSeconds(at - r.range(1, 60) * DAY - r.range(0, 23) * HOUR);
        const a = E.account(this.mainSpec(r, p), this.created(r, leave));
        a.leaveDate = leave;
        if (r.chance(0.3)) {
          // Disabled on the leave day, recently enough for the audit log to show it.
          this.entraDisabled(r, p, a, Math.max(leave, at - 20 * DAY), new Set([...f, 'recent']));
        } else {
          this.entraEnabledLeaver(r, p, a, leave, f);
        }
        person.entra.push(a);
        if (r.chance(0.4)) {
          const o = O.account(r, this.oktaSpec(r, p), 'ACTIVE', this.created(r, leave), this.created(r, leave), provider());
          this.oktaActiveOther(r, o);
          person.okta.push(o);
        }
        if (r.chance(0.5)) person.hr = this.hr(r, p, 'active', null);
        return push();
      }
      case 'deleted': {
        const d0 = this.departure(r, f);
        const a = E.account(this.mainSpec(r, p), this.created(r, d0));
        this.entraDisabled(r, p, a, d0, f, { deleted: true });
        person.entra.push(a);
        const o = r.weighted([
          ['none', 50],
          ['DEPROVISIONED', 30],
          ['ACTIVE', 20],
        ] as const);
        if (o === 'DEPROVISIONED') {
          const acct = O.account(r, this.oktaSpec(r, p), o, oktaTime(d0), this.created(r, d0), provider());
          this.oktaDeparted(r, acct, d0, f);
          person.okta.push(acct);
        }
        const h = r.chance(0.7) ? 'terminated' : 'none';
        if (h === 'terminated') person.hr = this.hr(r, p, 'terminated', d0);
        if (o === 'ACTIVE') {
          const acct = O.account(r, this.oktaSpec(r, p), o, this.created(r, d0), this.created(r, d0), provider());
          if (person.hr) this.oktaUsableLeaver(r, acct, new Set());
          else this.oktaActiveOther(r, acct);
          person.okta.push(acct);
        }
        return push();
      }
      case 'guest': {
        const d0 = this.departure(r, f);
        const name = ppl.name(p);
        const mail = ppl.guestMail(p);
        const a = E.account(
          { id: env.ids.guid('user', p), upn: ppl.guestUpn(p), mail: r.chance(0.2) ? ppl.capitalised(mail) : mail, first: name.first, last: name.last, employeeId: null, userType: 'Guest', department: null },
          this.created(r, d0),
        );
        this.entraDisabled(r, p, a, d0, f);
        person.entra.push(a);
        const o = f.has('oktaActive') ? 'ACTIVE' : r.weighted([
          ['none', 30],
          ['ACTIVE', 50],
          ['SUSPENDED', 20],
        ] as const);
        if (o !== 'none') {
          const acct = O.account(r, this.oktaSpec(r, p, { email: mail, employeeNumber: null }), o, o === 'ACTIVE' ? this.created(r, d0) : oktaTime(d0), this.created(r, d0), 'OKTA');
          if (o === 'ACTIVE') this.oktaActiveOther(r, acct);
          else this.oktaDeparted(r, acct, d0, f);
          person.okta.push(acct);
        }
        return push();
      }
      case 'shared-mailbox': {
        const n = env.next('shared');
        const theme = GROUP_THEMES[n % GROUP_THEMES.length].toLowerCase();
        const mail = `shared.${theme}${n}@${env.domain}`;
        const a = E.account({ id: env.ids.guid('user', p), upn: mail, mail, first: 'Shared', last: `Mailbox ${theme}`, employeeId: null, userType: 'Member', department: null }, this.created(r, at));
        a.enabled = false;
        E.sessions(r, a, at - 500 * DAY, r.chance(0.6) ? 'null' : 'before');
        if (r.chance(0.3)) E.member(a, this.plan.pickZipfGroup(r));
        person.entra.push(a);
        return push();
      }
      case 'recycled-mail': {
        // The old employee left (HR terminated, Okta deactivated); their address went to a new hire.
        const d0 = this.departure(r, new Set(['old']));
        const mail = ppl.mail(p);
        person.hr = this.hr(r, p, 'terminated', d0, { email: mail });
        const o = O.account(r, this.oktaSpec(r, p, { email: mail, employeeNumber: ppl.employeeId(p) }), 'DEPROVISIONED', oktaTime(d0), this.created(r, d0), 'OKTA');
        this.oktaDeparted(r, o, d0, new Set());
        person.okta.push(o);
        push();
        const q = env.extraPerson();
        const name = ppl.name(p);
        const fresh: LeaverPerson = { p, kind: 'recycled-mail-new', entra: [], okta: [], hr: null };
        const a = E.account(
          { id: env.ids.guid('user', q), upn: mail, mail, first: name.first, last: name.last, employeeId: ppl.employeeId(q), userType: 'Member', department: DEPARTMENTS[0][0] },
          wholeSeconds(at - r.range(5, 60) * DAY),
        );
        this.entraActiveOther(r, q, a, 0);
        fresh.entra.push(a);
        fresh.hr = { employeeId: ppl.employeeId(q), email: mail, displayName: name.display, status: 'active', terminationDate: null };
        this.persons.push(fresh);
        return;
      }
    }
  }
}
