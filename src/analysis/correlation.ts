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
}

export interface CorrelationLink {
  a: string;
  b: string;
  key: 'employeeId' | 'mail';
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

class UnionFind {
  private parent = new Map<string, string>();
  find(x: string): string {
    let p = this.parent.get(x) ?? x;
    if (p === x) return x;
    p = this.find(p);
    this.parent.set(x, p);
    return p;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    // Deterministic root: the smaller key.
    if (ra < rb) this.parent.set(rb, ra);
    else this.parent.set(ra, rb);
  }
}

export function correlate(input: CorrelationRecord[]): { persons: CorrelatedPerson[]; links: CorrelationLink[] } {
  const originalEmp = new Map<string, string>();
  for (const r of input) {
    const n = normalizeKey(r.employeeId);
    if (n && !originalEmp.has(n)) originalEmp.set(n, r.employeeId!.trim());
  }
  const records = [...input]
    .map((r) => ({
      key: r.key,
      employeeId: normalizeKey(r.employeeId),
      mails: [...new Set(r.mails.map(normalizeMail).filter((m): m is string => !!m))].sort(),
    }))
    .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  const uf = new UnionFind();
  const links: CorrelationLink[] = [];

  // 1. Strong links: one star per employee id, from the smallest key.
  const byEmp = new Map<string, string[]>();
  for (const r of records) if (r.employeeId) (byEmp.get(r.employeeId) ?? byEmp.set(r.employeeId, []).get(r.employeeId)!).push(r.key);
  for (const [emp, keys] of byEmp) {
    for (let i = 1; i < keys.length; i++) {
      uf.union(keys[0], keys[i]);
      links.push({ a: keys[0], b: keys[i], key: 'employeeId', value: emp, strength: 'strong' });
    }
  }
  const empOfRoot = (root: string): string | null => compEmp.get(root) ?? null;
  const compEmp = new Map<string, string>();
  for (const r of records) if (r.employeeId) compEmp.set(uf.find(r.key), r.employeeId);

  // 2. Mail hubs: for each mail value, the distinct strong components sharing it (with one
  //    record of each as the witness), and for each component, its mail values.
  const byMail = new Map<string, Map<string, string>>();
  for (const r of records) {
    for (const m of r.mails) {
      const comps = byMail.get(m) ?? byMail.set(m, new Map()).get(m)!;
      const root = uf.find(r.key);
      if (!comps.has(root)) comps.set(root, r.key);
    }
  }
  const mailsOf = new Map<string, string[]>();
  for (const [m, comps] of byMail) {
    if (comps.size < 2) continue;
    for (const root of comps.keys()) (mailsOf.get(root) ?? mailsOf.set(root, []).get(root)!).push(m);
  }

  // 3. Clusters of components without an employee id, connected through shared mails and each
  //    other. A cluster joins the one employee id it touches; touching two or more, it joins
  //    none (its own members still join each other: that links no two employee ids).
  const seen = new Set<string>();
  const roots = [...new Set(records.map((r) => uf.find(r.key)))].sort();
  for (const root of roots) {
    if (seen.has(root) || empOfRoot(root) !== null || !mailsOf.has(root)) continue;
    const hubs = new Set<string>();
    const touched = new Set<string>();
    const stack = [root];
    seen.add(root);
    while (stack.length) {
      const c = stack.pop()!;
      for (const m of mailsOf.get(c) ?? []) {
        if (hubs.has(m)) continue;
        hubs.add(m);
        for (const n of byMail.get(m)!.keys()) {
          const emp = empOfRoot(n);
          if (emp !== null) touched.add(emp);
          else if (!seen.has(n)) {
            seen.add(n);
            stack.push(n);
          }
        }
      }
    }
    const joinEmp = touched.size === 1;
    for (const m of [...hubs].sort()) {
      const comps = [...byMail.get(m)!.entries()].filter(([c]) => joinEmp || empOfRoot(c) === null);
      for (let i = 1; i < comps.length; i++) {
        if (uf.find(comps[0][0]) === uf.find(comps[i][0])) continue;
        uf.union(comps[0][0], comps[i][0]);
        links.push({ a: comps[0][1], b: comps[i][1], key: 'mail', value: m, strength: 'medium' });
      }
    }
  }

  // 4. Persons: the connected groups (singletons included: every record is someone).
  const members = new Map<string, string[]>();
  for (const r of records) (members.get(uf.find(r.key)) ?? members.set(uf.find(r.key), []).get(uf.find(r.key))!).push(r.key);
  const empByKey = new Map(records.map((r) => [r.key, r.employeeId]));
  const persons: CorrelatedPerson[] = [];
  for (const keys of members.values()) {
    const emp = keys.map((k) => empByKey.get(k)).find((e) => !!e) ?? null;
    persons.push({ id: emp ? `emp:${emp}` : `rec:${createHash('sha256').update(keys[0]).digest('hex').slice(0, 16)}`, employeeId: emp ? (originalEmp.get(emp) ?? emp) : null, members: keys });
  }
  persons.sort((a, b) => (a.id < b.id ? -1 : 1));
  return { persons, links };
}
