/**
 * The people of the synthetic tenant, in compact form: a few typed arrays indexed by person,
 * holding which accounts each background person has (Entra member or guest, alt admin account,
 * Okta, HR) and a handful of attributes, plus dense index lists the writers draw group members
 * from. Names, mail addresses and employee ids are pure functions of the person index: the name
 * is a bijection over the name lists (a suffix number after they run out), so two people never
 * share a mail address or an employee id unless the planner makes them on purpose.
 * Leaver persons (about 8%) are only marked here; the planner decides all their accounts.
 */
import { DEPARTMENTS, FIRST_NAMES, LAST_NAMES, LOCATIONS, PARTNER_DOMAINS } from './names.js';
import type { Hasher } from './prng.js';
import type { IdMint } from './IdMint.js';

export const F_ENTRA = 1;
export const F_OKTA = 2;
export const F_HR = 4;
export const F_ALT = 8;
export const F_GUEST = 16;
export const F_EMPNO = 32;
export const F_MAILCAPS = 64;
export const F_SYNCED = 128;
export const F_FEDERATED = 256;
export const F_SOCIAL = 512;
export const F_HR_FUTURE = 1024;
export const F_LEAVE_FUTURE = 2048;
export const F_REENABLED = 4096;
export const F_ADMIN = 8192;
export const F_HR_CAPS = 16384;

/** Background Okta statuses, none of them departed. */
const BG_OKTA_STATUSES = ['ACTIVE', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'STAGED', 'PROVISIONED', 'RECOVERY'] as const;
const BG_OKTA_WEIGHTS = [0.935, 0.02, 0.01, 0.015, 0.01, 0.01];

export interface PersonName {
  first: string;
  last: string;
  /** Mail local part, lower case: `john.smith`, `john.smith2`. */
  local: string;
  display: string;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

const DEPT_TOTAL = DEPARTMENTS.reduce((s, [, w]) => s + w, 0);

export class People {
  readonly leaverRate = 0.08;
  readonly isLeaver: Uint8Array;
  readonly flags: Uint16Array;
  readonly dept: Uint8Array;
  readonly site: Uint8Array;
  readonly oktaStatus: Uint8Array;
  /** Entra main account ids of background persons ('' when none). */
  readonly entraId: string[];
  /** Okta account ids of background persons ('' when none). */
  readonly oktaId: string[];
  /** Background persons with an Entra member account, in person order. */
  readonly bgMember: Int32Array;
  readonly bgGuest: Int32Array;
  readonly bgOkta: Int32Array;
  readonly bgAlt: Int32Array;
  readonly deptSpace: Int32Array[];
  readonly siteSpace: Int32Array[];
  readonly leavers: number[] = [];
  private readonly nameMul: number;
  private readonly nameAdd: number;

  constructor(
    readonly n: number,
    readonly h: Hasher,
    readonly ids: IdMint,
    readonly domain: string,
    readonly tenantDomain: string,
  ) {
    const FL = FIRST_NAMES.length * LAST_NAMES.length;
    let mul = 7919 + h.int('names', 0, 100000) * 2;
    while (gcd(mul, FL) !== 1) mul++;
    this.nameMul = mul;
    this.nameAdd = h.int('names', 1, FL);

    this.isLeaver = new Uint8Array(n);
    this.flags = new Uint16Array(n);
    this.dept = new Uint8Array(n);
    this.site = new Uint8Array(n);
    this.oktaStatus = new Uint8Array(n);
    this.entraId = new Array<string>(n);
    this.oktaId = new Array<string>(n);
    const member: number[] = [];
    const guest: number[] = [];
    const okta: number[] = [];
    const alt: number[] = [];
    const depts: number[][] = DEPARTMENTS.map(() => []);
    const sites: number[][] = LOCATIONS.map(() => []);
    for (let p = 0; p < n; p++) {
      this.entraId[p] = '';
      this.oktaId[p] = '';
      this.dept[p] = this.pickDept(p);
      this.site[p] = h.int('site', p, LOCATIONS.length);
      if (h.unit('leaver', p) < this.leaverRate) {
        this.isLeaver[p] = 1;
        this.leavers.push(p);
        continue;
      }
      let f = 0;
      const u = (k: string) => h.unit(k, p);
      if (u('guest') < 0.03) {
        f |= F_GUEST | F_ENTRA;
        if (u('okta') < 0.2) f |= F_OKTA;
      } else {
        if (u('entra') < 0.96) f |= F_ENTRA;
        if (!(f & F_ENTRA) || u('okta') < 0.6) f |= F_OKTA;
        if (u('hr') < 0.97) f |= F_HR;
        if (f & F_ENTRA && u('alt') < 0.012) f |= F_ALT;
        if (u('empno') < 0.9) f |= F_EMPNO;
        if (u('caps') < 0.1) f |= F_MAILCAPS;
        if (u('hrcaps') < 0.05) f |= F_HR_CAPS;
        if (u('synced') < 0.4) f |= F_SYNCED;
        if (f & F_HR && u('future') < 0.01) f |= F_HR_FUTURE;
        if (f & F_ENTRA && u('leavefuture') < 0.006) f |= F_LEAVE_FUTURE;
        if (f & F_ENTRA && u('reenabled') < 0.002) f |= F_REENABLED;
        if (u('admin') < 0.004) f |= F_ADMIN;
      }
      if (f & F_OKTA) {
        const v = u('provider');
        if (v < 0.15) f |= F_FEDERATED;
        else if (v < 0.17) f |= F_SOCIAL;
        let x = u('oktastatus');
        let s = 0;
        while (s < BG_OKTA_WEIGHTS.length - 1 && x >= BG_OKTA_WEIGHTS[s]) x -= BG_OKTA_WEIGHTS[s++];
        this.oktaStatus[p] = s;
        this.oktaId[p] = ids.okta('00u', 'user', p);
        okta.push(p);
      }
      if (f & F_ENTRA) {
        this.entraId[p] = ids.guid('user', p);
        if (f & F_GUEST) guest.push(p);
        else {
          member.push(p);
          depts[this.dept[p]].push(p);
          sites[this.site[p]].push(p);
        }
      }
      if (f & F_ALT) alt.push(p);
      this.flags[p] = f;
    }
    this.bgMember = Int32Array.from(member);
    this.bgGuest = Int32Array.from(guest);
    this.bgOkta = Int32Array.from(okta);
    this.bgAlt = Int32Array.from(alt);
    this.deptSpace = depts.map((d) => Int32Array.from(d));
    this.siteSpace = sites.map((s) => Int32Array.from(s));
  }

  private pickDept(p: number): number {
    let x = this.h.unit('dept', p) * DEPT_TOTAL;
    for (let i = 0; i < DEPARTMENTS.length; i++) {
      x -= DEPARTMENTS[i][1];
      if (x < 0) return i;
    }
    return DEPARTMENTS.length - 1;
  }

  has(p: number, flag: number): boolean {
    return (this.flags[p] & flag) !== 0;
  }

  /** The person's name; unique mail local part for every index (including indices >= n). */
  name(p: number): PersonName {
    const F = FIRST_NAMES.length;
    const FL = F * LAST_NAMES.length;
    const q = (((p % FL) * this.nameMul) % FL + this.nameAdd) % FL;
    const round = Math.floor(p / FL);
    const first = FIRST_NAMES[q % F];
    const last = LAST_NAMES[Math.floor(q / F)];
    const local = `${first}.${last}`.toLowerCase() + (round > 0 ? String(round + 1) : '');
    return { first, last, local, display: `${first} ${last}` };
  }

  employeeId(p: number): string {
    return `E${String(100001 + p).padStart(7, '0')}`;
  }

  mail(p: number): string {
    return `${this.name(p).local}@${this.domain}`;
  }

  /** The mail address with display capitals (`John.Smith@Contoso.com`): same key, other case. */
  capitalised(mail: string): string {
    const [local, dom] = mail.split('@') as [string, string];
    const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
    return `${local.split('.').map(cap).join('.')}@${cap(dom)}`;
  }

  partnerDomain(p: number): string {
    return this.h.pick('partner', p, PARTNER_DOMAINS);
  }

  guestMail(p: number): string {
    return `${this.name(p).local}@${this.partnerDomain(p)}`;
  }

  guestUpn(p: number): string {
    return `${this.name(p).local}_${this.partnerDomain(p)}#EXT#@${this.tenantDomain}`;
  }

  altUpn(p: number): string {
    return `${this.name(p).local}.adm@${this.domain}`;
  }

  altId(p: number): string {
    return this.ids.guid('alt', p);
  }

  oktaStatusOf(p: number): string {
    return BG_OKTA_STATUSES[this.oktaStatus[p]];
  }

  /** Background person index of the i-th element of a member space. */
  static at(space: Int32Array, i: number): number {
    return space[i];
  }
}
