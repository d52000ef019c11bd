/**
 * Person correlation, exactly as the catalogue says: records (Entra users, Okta users, HR
 * people) belong to one person when they share, case-insensitively after trimming, an employee
 * id (strong) or a mail address (medium). Links are transitive, but a person never holds two
 * different employee ids: a mail link that would join records with different employee ids —
 * directly, or through records without one — is not made. No fuzzy matching. Pure and
 * deterministic: the same records give the same persons and links in any input order.
 */
import { createHash } from 'node:crypto';

export interface CorrelationRecord {
  key: string;
  employeeId: string | null;
  /** Mail-like values: Entra mail and (non-guest) UPN, Okta email and login, HR email. */
  mails: string[];
  /**
   * Records an identity provider asserts this record is (a GitHub account's SAML NameID or SCIM
   * userName matched in the source the issuer names): strong links, key `asserted`, with the
   * asserted value. A record asserted to be two records is linked to neither (a conflict).
   */
  asserted?: readonly { key: string; value: string }[];
}

export interface CorrelationLink {
  a: string;
  b: string;
  key: 'employeeId' | 'mail' | 'asserted';
  value: string;
  strength: 'strong' | 'medium';
}

export interface CorrelatedPerson {
  /** Stable id: `emp:<employee id>`, or `rec:` and a hash of the smallest member key. */
  id: string;
  employeeId: string | null;
  members: string[];
}

export function normalizeKey(v: string | null | undefined): string | null {
  const t = (v ?? '').trim().toLowerCase();
  return t === '' ? null : t;
}

/** A value counts as a mail address when it looks like one (`local@domain`). */
export function normalizeMail(v: string | null | undefined): string | null {
  const t = normalizeKey(v);
  return t && /^[^@\s]+@[^@\s]+$/.test(t) ? t : null;
}

/** Union-find over record indices; the root of a set is always its smallest index (smallest key). */
class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(x: number): number {
    let r = x;
    while (this.parent[r] !== r) r = this.parent[r];
    while (this.parent[x] !== r) {
      const next = this.parent[x];
      this.parent[x] = r;
      x = next;
    }
    return r;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    if (ra < rb) this.parent[rb] = ra;
    else this.parent[ra] = rb;
  }
}

const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
};

export function correlate(input: CorrelationRecord[]): { persons: CorrelatedPerson[]; links: CorrelationLink[] } {
  const originalEmp = new Map<string, string>();
  for (const r of input) {
    const n = normalizeKey(r.employeeId);
    if (n && !originalEmp.has(n)) originalEmp.set(n, r.employeeId!.trim());
  }
  const records = input
    .map((r) => ({
      key: r.key,
      employeeId: normalizeKey(r.employeeId),
      mails: [...new Set(r.mails.map(normalizeMail).filter((m): m is string => !!m))].sort(),
    }))
    .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  const N = records.length;
  const uf = new UnionFind(N);
  const links: CorrelationLink[] = [];

  // 0. Links asserted by an identity provider (strong), unless a record is asserted to be two.
  const indexOf = new Map(records.map((r, i) => [r.key, i]));
  const assertedOf = new Map(input.filter((r) => r.asserted?.length).map((r) => [r.key, r.asserted!]));
  records.forEach((r, i) => {
    const targets = (assertedOf.get(r.key) ?? []).filter((t) => indexOf.has(t.key));
    if (new Set(targets.map((t) => t.key)).size !== 1) return;
    const j = indexOf.get(targets[0].key)!;
    uf.union(i, j);
    links.push({ a: r.key, b: targets[0].key, key: 'asserted', value: targets[0].value, strength: 'strong' });
  });

  // 1. Strong links: one star per employee id, from the smallest key.
  const byEmp = new Map<string, number[]>();
  records.forEach((r, i) => r.employeeId && push(byEmp, r.employeeId, i));
  for (const [emp, idx] of byEmp) {
    for (let j = 1; j < idx.length; j++) {
      uf.union(idx[0], idx[j]);
      links.push({ a: records[idx[0]].key, b: records[idx[j]].key, key: 'employeeId', value: emp, strength: 'strong' });
    }
  }
  const compEmp = new Map<number, string>();
  records.forEach((r, i) => r.employeeId && compEmp.set(uf.find(i), r.employeeId));
  const empOf = (root: number): string | null => compEmp.get(root) ?? null;

  // 2. Mail hubs: for each mail value, the distinct strong components sharing it (with one
  //    record of each as the witness), and for each component, its mail values.
  const byMail = new Map<string, Map<number, number>>();
  records.forEach((r, i) => {
    for (const m of r.mails) {
      let comps = byMail.get(m);
      if (!comps) byMail.set(m, (comps = new Map<number, number>()));
      const root = uf.find(i);
      if (!comps.has(root)) comps.set(root, i);
    }
  });
  const mailsOf = new Map<number, string[]>();
  for (const [m, comps] of byMail) {
    if (comps.size < 2) continue;
    for (const root of comps.keys()) push(mailsOf, root, m);
  }

  // 3. Clusters of components without an employee id, connected through shared mails and each
  //    other. A cluster joins the one employee id it touches; touching two or more, it joins
  //    none (its own members still join each other: that links no two employee ids).
  const seen = new Uint8Array(N);
  const roots = [...mailsOf.keys()].sort((x, y) => x - y);
  for (const root of roots) {
    if (seen[root] || empOf(root) !== null) continue;
    const hubs = new Set<string>();
    const touched = new Set<string>();
    const stack = [root];
    seen[root] = 1;
    while (stack.length) {
      const c = stack.pop()!;
      for (const m of mailsOf.get(c) ?? []) {
        if (hubs.has(m)) continue;
        hubs.add(m);
        for (const n of byMail.get(m)!.keys()) {
          const emp = empOf(n);
          if (emp !== null) touched.add(emp);
          else if (!seen[n]) {
            seen[n] = 1;
            stack.push(n);
          }
        }
      }
    }
    const joinEmp = touched.size === 1;
    for (const m of [...hubs].sort()) {
      const comps = [...byMail.get(m)!.entries()].filter(([c]) => joinEmp || empOf(c) === null);
      for (let i = 1; i < comps.length; i++) {
        if (uf.find(comps[0][0]) === uf.find(comps[i][0])) continue;
        uf.union(comps[0][0], comps[i][0]);
        links.push({ a: records[comps[0][1]].key, b: records[comps[i][1]].key, key: 'mail', value: m, strength: 'medium' });
      }
    }
  }

  // 4. Persons: the connected groups (singletons included: every record is someone).
  const members = new Map<number, number[]>();
  for (let i = 0; i < N; i++) push(members, uf.find(i), i);
  const persons: CorrelatedPerson[] = [];
  for (const idx of members.values()) {
    const emp = idx.map((i) => records[i].employeeId).find((e) => !!e) ?? null;
    const keys = idx.map((i) => records[i].key);
    persons.push({
      id: emp ? `emp:${emp}` : `rec:${createHash('sha256').update(keys[0]).digest('hex').slice(0, 16)}`,
      employeeId: emp ? (originalEmp.get(emp) ?? emp) : null,
      members: keys,
    });
  }
  persons.sort((a, b) => (a.id < b.id ? -1 : 1));
  return { persons, links };
}
