/**
 * Helpers for the synthetic-tenant tests: temporary folders, reading JSONL, hashing a folder,
 * building and running the CLI, and an independent re-derivation (from the written files alone)
 * of who is departed: person correlation as the catalogue defines it (employee id strong, mail
 * medium, guests through mail, never joining two employee ids) and the departed-subject test.
 * It shares no code with the generator, so agreement is evidence, not tautology.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FindingsDoc } from '../../queries/residual.js';
import { compareWithExpected } from '../support/compareFindings.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'revenant.js');

export type Raw = Record<string, unknown>;

export function tempDir(prefix = 'revenant-synth-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function readLines(path: string): Raw[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Raw);
}

/** sha256 of every file under a folder, by relative path. */
export function hashFolder(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

export { ensureBuilt } from '../support/ensureBuilt.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], timeoutMs = 300_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The ground truth against the engine.

interface Finding {
  rule: string;
  subject: string | { id: string };
  via: string | { id: string };
  status: string;
  severity: string;
  validUntil: string | null;
}

const idOf = (v: string | { id: string }) => (typeof v === 'string' ? v : v?.id);

/**
 * `revenant residual --all --collection DIR --at AT --format json` against DIR/expected.json, as
 * /work/shared/tools/check-scenarios compares (test/support/compareFindings.ts): sets keyed by
 * (rule, subject, via) on status, severity and validUntil (as instants), the closed and not-closed
 * subjects, no uncovered rule. Returns the differences (empty when exact), the number of expected
 * findings and the CLI's exit code.
 */
export async function groundTruthDifferences(dir: string): Promise<{ problems: string[]; expected: number; code: number | null; stderr: string }> {
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { at: string; findings: Finding[]; closed: string[]; notClosed: string[]; args: string[] };
  const run = await runCli(['residual', '--all', '--collection', dir, '--at', expected.at, '--format', 'json', ...expected.args]);
  if (run.code !== 0 && run.code !== 3) return { problems: [`exit ${run.code}`], expected: expected.findings.length, code: run.code, stderr: run.stderr };
  const findings = expected.findings.map((f) => ({ ...f, subject: idOf(f.subject), via: idOf(f.via) }));
  const problems = compareWithExpected(JSON.parse(run.stdout) as FindingsDoc, { ...expected, findings });
  return { problems, expected: new Set(findings.map((f) => `${f.rule} ${f.subject} ${f.via}`)).size, code: run.code, stderr: run.stderr };
}

// ---------------------------------------------------------------------------------------------
// Correlation and departed subjects, re-derived from the files.

export interface Rec {
  source: 'entra' | 'okta' | 'hr';
  id: string | null;
  empId: string | null;
  mails: string[];
  raw: Raw;
  deleted: boolean;
}

const norm = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim().toLowerCase() : null);

export function records(dir: string): Rec[] {
  const out: Rec[] = [];
  const entra = (raw: Raw, deleted: boolean) => {
    const upn = norm(raw.userPrincipalName);
    const mails = [norm(raw.mail), upn && !upn.includes('#ext#') ? upn : null].filter((x): x is string => !!x);
    out.push({ source: 'entra', id: raw.id as string, empId: norm(raw.employeeId), mails: [...new Set(mails)], raw, deleted });
  };
  for (const u of readLines(join(dir, 'entra', 'users.jsonl'))) entra(u, false);
  for (const u of readLines(join(dir, 'entra', 'deletedUsers.jsonl'))) entra(u, true);
  for (const u of readLines(join(dir, 'okta', 'users.jsonl'))) {
    const p = (u.profile ?? {}) as Raw;
    const mails = [norm(p.email), norm(p.login)].filter((x): x is string => !!x);
    out.push({ source: 'okta', id: u.id as string, empId: norm(p.employeeNumber), mails: [...new Set(mails)], raw: u, deleted: false });
  }
  for (const h of readLines(join(dir, 'hr', 'people.jsonl'))) {
    out.push({ source: 'hr', id: null, empId: norm(h.employeeId), mails: [norm(h.email)].filter((x): x is string => !!x), raw: h, deleted: false });
  }
  return out;
}

export interface Correlation {
  recs: Rec[];
  personOf: (i: number) => number;
  /** Mail links refused because they would join two employee ids. */
  blocked: { a: number; b: number; mail: string }[];
  /** Refused links where one side had no employee id itself (a bridge): must not happen. */
  bridges: number;
}

export function correlate(recs: Rec[]): Correlation {
  const parent = recs.map((_, i) => i);
  const emp = recs.map((r) => (r.empId ? new Set([r.empId]) : new Set<string>()));
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]]!;
      i = parent[i]!;
    }
    return i;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return;
    parent[rb] = ra;
    for (const e of emp[rb]) emp[ra].add(e);
  };
  const byEmp = new Map<string, number>();
  recs.forEach((r, i) => {
    if (!r.empId) return;
    const j = byEmp.get(r.empId);
    if (j === undefined) byEmp.set(r.empId, i);
    else union(j, i);
  });
  const blocked: Correlation['blocked'] = [];
  let bridges = 0;
  const byMail = new Map<string, number[]>();
  recs.forEach((r, i) => {
    for (const m of r.mails) {
      const list = byMail.get(m) ?? [];
      list.push(i);
      byMail.set(m, list);
    }
  });
  for (const [mail, list] of byMail) {
    for (const i of list.slice(1)) {
      const a = find(list[0]);
      const b = find(i);
      if (a === b) continue;
      const ids = new Set([...emp[a], ...emp[b]]);
      if (ids.size > 1) {
        blocked.push({ a: list[0], b: i, mail });
        if (!recs[list[0]].empId || !recs[i].empId) bridges++;
        continue;
      }
      union(a, b);
    }
  }
  return { recs, personOf: find, blocked, bridges };
}

/** Departed accounts by the catalogue's definition, from the files alone. */
export function departedFromFiles(dir: string, at: number): { departed: Set<string>; correlation: Correlation } {
  const recs = records(dir);
  const c = correlate(recs);
  const hrTerminated = new Set<number>();
  recs.forEach((r, i) => {
    if (r.source !== 'hr' || r.raw.status !== 'terminated') return;
    const d = r.raw.terminationDate as string | null;
    if (d === null || Date.parse(d.length === 10 ? `${d}T00:00:00Z` : d) <= at) hrTerminated.add(c.personOf(i));
  });
  const departed = new Set<string>();
  recs.forEach((r, i) => {
    if (r.source === 'hr') return;
    const viaHr = hrTerminated.has(c.personOf(i));
    if (r.source === 'entra') {
      const leave = r.raw.employeeLeaveDateTime as string | null;
      if (r.raw.accountEnabled === false || r.deleted || (leave && Date.parse(leave) <= at) || viaHr) departed.add(r.id!);
    } else if (r.raw.status === 'SUSPENDED' || r.raw.status === 'DEPROVISIONED' || viaHr) departed.add(r.id!);
  });
  return { departed, correlation: c };
}
