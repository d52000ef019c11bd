/**
 * The journal of a remediation run: an append-only JSON Lines file, one record per event, each
 * written and fsync'd before the run goes on — the re-read before a step, the request before it
 * is sent (`intent`: method, path, body, our client request id), the answer after (`result`:
 * status, the provider's request id, attempts, outcome), skips with their reason, and the start
 * and end of each run. A crash or Ctrl-C leaves every record written so far; a torn last line
 * (the process died mid-write) is ignored when read. From it, `stepStates` tells for every step
 * whether it is done (never to be sent again), in doubt (sent, no answer: re-read decides), or
 * not done. Records hold no secret: a secret is removed by its keyId, and no token or secret
 * value is ever part of a call.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';

export const JOURNAL_FILE = 'journal.jsonl';

export type StepOutcome = 'done' | 'gone' | 'failed' | 'changed' | 'declined';

export type JournalRecord =
  | { type: 'start'; seq: number; t: string; plan: string; mode: 'apply' | 'resume'; by: string; pid: number }
  | { type: 'check'; seq: number; t: string; action: string; step: number; result: 'present' | 'gone' | 'changed'; why?: string }
  | {
      type: 'intent';
      seq: number;
      t: string;
      action: string;
      step: number;
      kind: string;
      request: { method: string; path: string; body?: unknown; sourceKey: string };
      clientRequestId: string;
    }
  | {
      type: 'result';
      seq: number;
      t: string;
      action: string;
      step: number;
      outcome: StepOutcome;
      status?: number;
      requestId?: string | null;
      attempts?: number;
      code?: string;
      reason?: string;
    }
  | { type: 'skip'; seq: number; t: string; action: string; outcome: 'changed' | 'declined' | 'failed'; reason: string }
  | { type: 'end'; seq: number; t: string; summary: Record<string, number>; interrupted?: boolean };

type NoMeta<T> = T extends unknown ? Omit<T, 'seq' | 't'> : never;

export class Journal {
  private fd: number;
  private seq: number;

  constructor(
    readonly file: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.seq = Journal.read(file).reduce((m, r) => Math.max(m, r.seq), 0);
    this.fd = openSync(file, 'a');
  }

  /** Append one record and fsync it (it is on disk before the caller goes on). */
  append(rec: NoMeta<JournalRecord>): JournalRecord {
    const full = { seq: ++this.seq, t: this.now().toISOString(), ...rec };
    writeSync(this.fd, `${JSON.stringify(full)}\n`);
    fsyncSync(this.fd);
    return full;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /** Every whole record of a journal file (none when it does not exist; a torn last line is left out). */
  static read(file: string): JournalRecord[] {
    if (!existsSync(file)) return [];
    const out: JournalRecord[] = [];
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as JournalRecord);
      } catch {
        /* a line torn by a crash mid-write: that record never completed */
      }
    }
    return out;
  }
}

export interface StepState {
  /** `done`/`gone`: never sent again; `doubt`: sent without an answer (re-read decides); `open`: not done. */
  state: 'done' | 'doubt' | 'open';
  last?: JournalRecord;
}

/** The state of every step (`action#step`) and the last outcome of every action, from a journal. */
export function stepStates(records: readonly JournalRecord[]): { steps: Map<string, StepState>; actions: Map<string, JournalRecord> } {
  const steps = new Map<string, StepState>();
  const actions = new Map<string, JournalRecord>();
  for (const r of records) {
    if (r.type === 'intent') steps.set(`${r.action}#${r.step}`, { state: 'doubt', last: r });
    if (r.type === 'result') {
      steps.set(`${r.action}#${r.step}`, { state: r.outcome === 'done' || r.outcome === 'gone' ? 'done' : 'open', last: r });
      actions.set(r.action, r);
    }
    if (r.type === 'skip') actions.set(r.action, r);
  }
  return { steps, actions };
}
