/**
 * Where remediation keeps its records, in the store folder: `remediation/<plan id>/` holds the
 * plan (`plan.json`, written once, atomically), the journal of every apply of it
 * (`journal.jsonl`) and each verification (`verification-<time>.json`); verifications made
 * without a plan go to `remediation/verifications/`. Lookups: a plan by id or unique prefix, the
 * plans about an account (newest first), a run's state (never applied, running or interrupted,
 * finished).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError } from '../model/errors.js';
import { JOURNAL_FILE, Journal, type JournalRecord } from './Journal.js';
import { PLAN_FORMAT, type Plan } from './Plan.js';
import type { Verification } from './verifySubject.js';

export const PLAN_FILE = 'plan.json';

export type RunState = 'planned' | 'running' | 'interrupted' | 'finished';

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

const stamp = (d: Date) => d.toISOString().replace(/[:.]/g, '').replace(/-/g, '');

export class RemediationRuns {
  readonly root: string;

  constructor(storeDir: string) {
    this.root = join(storeDir, 'remediation');
  }

  dir(planId: string): string {
    return join(this.root, planId);
  }

  journalPath(planId: string): string {
    return join(this.dir(planId), JOURNAL_FILE);
  }

  /** Save a plan (once: a plan's id is a hash of its content, so an existing file is the same plan). */
  savePlan(plan: Plan): string {
    const dir = this.dir(plan.id);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, PLAN_FILE);
    if (!existsSync(file)) writeAtomic(file, `${JSON.stringify(plan, null, 2)}\n`);
    return dir;
  }

  ids(): string[] {
    if (!existsSync(this.root)) return [];
    return readdirSync(this.root).filter((d) => existsSync(join(this.root, d, PLAN_FILE)));
  }

  /** A plan by id or unique prefix. */
  loadPlan(idOrPrefix: string): Plan {
    const ids = this.ids().filter((i) => i.startsWith(idOrPrefix));
    if (ids.length !== 1) {
      throw new NotFoundError(ids.length ? `plan ${idOrPrefix} is ambiguous (${ids.join(', ')})` : `no remediation plan ${idOrPrefix} in ${this.root}`);
    }
    const plan = JSON.parse(readFileSync(join(this.dir(ids[0]), PLAN_FILE), 'utf8')) as Plan;
    const format: unknown = plan.format;
    if (format !== PLAN_FORMAT) throw new NotFoundError(`${join(this.dir(ids[0]), PLAN_FILE)}: not a ${PLAN_FORMAT} document`);
    return plan;
  }

  /** Plans that are about one of these accounts (`source:id`) or were made for this subject name, newest first. */
  plansFor(subject: string, accounts: readonly string[] = []): Plan[] {
    const want = new Set(accounts.map((a) => a.toLowerCase()));
    const plans: Plan[] = [];
    for (const id of this.ids()) {
      const p = this.loadPlan(id);
      if (p.subject.toLowerCase() === subject.toLowerCase() || p.accounts.some((a) => want.has(`${a.source}:${a.id}`.toLowerCase()))) plans.push(p);
    }
    return plans.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  journal(planId: string): JournalRecord[] {
    return Journal.read(this.journalPath(planId));
  }

  /** Never applied, running (or killed: a start without an end), or finished. */
  state(planId: string, alive: (pid: number) => boolean = pidAlive): RunState {
    const recs = this.journal(planId);
    if (recs.length === 0) return 'planned';
    const lastStart = [...recs].reverse().find((r) => r.type === 'start');
    const last = recs[recs.length - 1];
    if (last.type === 'end') return last.interrupted ? 'interrupted' : 'finished';
    return lastStart && lastStart.type === 'start' && alive(lastStart.pid) ? 'running' : 'interrupted';
  }

  saveVerification(v: Verification): string {
    const dir = v.plan ? this.dir(v.plan) : join(this.root, 'verifications');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `verification-${stamp(new Date(v.verifiedAt))}.json`);
    writeAtomic(file, `${JSON.stringify(v, null, 2)}\n`);
    return file;
  }

  /** Every verification on record (with or without a plan), oldest first. */
  verifications(): Verification[] {
    const out: Verification[] = [];
    const dirs = [...this.ids().map((i) => this.dir(i)), join(this.root, 'verifications')];
    for (const d of dirs) {
      if (!existsSync(d)) continue;
      for (const f of readdirSync(d)) if (/^verification-.*\.json$/.test(f)) out.push(JSON.parse(readFileSync(join(d, f), 'utf8')) as Verification);
    }
    return out.sort((a, b) => a.verifiedAt.localeCompare(b.verifiedAt));
  }
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
