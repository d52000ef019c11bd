/**
 * Runs the dataset collectors of one source into a SourceWriter and keeps the completeness ledger
 * honest. Each task writes its objects through a `DatasetOutput`; the runner turns the outcome
 * into the dataset's status:
 * - returned normally, nothing reported incomplete, every parent complete → `complete`;
 * - returned, but some parents' lists failed (`out.incomplete`) or a parent dataset is partial →
 *   `partial`, with the reasons;
 * - threw (a page error, a missing permission, Ctrl-C) → `partial` when lines were written,
 *   `missing` otherwise, with the error as the reason. A page error never ends a list quietly.
 * Tasks run as soon as the datasets they read (`after`) are finished, up to `parallel` at once,
 * so that independent lists (and, for Okta, independent rate-limit buckets) overlap. With
 * `resume`, datasets the existing ledger marks complete are not read again. Every finished
 * dataset also records requests made, objects read and seconds taken. Provider-neutral.
 */
import { createReadStream, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CollectedSourceKind } from '../../src/model/schema.js';
import type { DatasetWriter, SourceWriter } from './SourceWriter.js';
import type { DatasetStatus, WrittenManifest } from './manifest.js';
import { SourceApiError } from './SourceApiError.js';

/** Counters a paging primitive increments for the dataset it serves. */
export interface RequestStats {
  /** HTTP requests sent (every attempt, a `$batch` counts once). */
  requests: number;
  /** Attempts that were retries. */
  retries: number;
  /** Responses that were 429 (whole requests or inner `$batch` responses). */
  throttled: number;
  /** Objects received from the API. */
  objects: number;
}

export function newStats(): RequestStats {
  return { requests: 0, retries: 0, throttled: 0, objects: 0 };
}

export interface DatasetOutput {
  readonly name: string;
  readonly stats: RequestStats;
  readonly signal: AbortSignal;
  /** The source folder, to read parent datasets already written. */
  readonly dir: string;
  write(obj: unknown): Promise<void>;
  /** Part of the dataset could not be read (a parent's list failed): the dataset ends partial. */
  incomplete(reason: string): void;
  /** Progress over parents (per-object lists): drives the ETA. */
  progress(done: number, total?: number): void;
  /** Final status of a dataset finished earlier in this run (or complete in a resumed ledger). */
  statusOf(name: string): DatasetStatus | undefined;
}

export interface DatasetTask {
  name: string;
  /** Datasets this one reads (parent ids): it starts once they are finished. */
  after?: readonly string[];
  /** Extra ledger fields, recorded with the dataset's entry (a server-side filter, a window, a scope). */
  ledger?: Record<string, unknown>;
  run(out: DatasetOutput): Promise<void>;
}

/** What a source collector returns: the folder written, its manifest, and each dataset's outcome. */
export interface CollectResult {
  dir: string;
  manifest: WrittenManifest;
  results: DatasetResult[];
}

export interface DatasetResult {
  dataset: string;
  status: DatasetStatus;
  count: number;
  reason?: string;
  requests: number;
  objects: number;
  seconds: number;
  /** Complete in the ledger of an earlier run (--resume): not read again. */
  resumed?: boolean;
}

export type CollectEvent =
  | { type: 'start'; source: CollectedSourceKind; dataset: string }
  | { type: 'progress'; source: CollectedSourceKind; dataset: string; lines: number; requests: number; done?: number; total?: number }
  | ({ type: 'finish'; source: CollectedSourceKind } & DatasetResult);

/** What every collector takes besides its session and its own options (as `revenant collect` passes them). */
export interface CollectorRunOptions {
  /** Collection folder; the collector writes `<out>/<source>`. */
  out: string;
  resume?: boolean;
  force?: boolean;
  /** Datasets not to collect (recorded as missing, with the reason). */
  skip?: readonly string[];
  /** Datasets collected at once. */
  parallelDatasets?: number;
  signal?: AbortSignal;
  onEvent?: (e: CollectEvent) => void;
  /** Collection time (default now). */
  collectedAt?: string;
}

export interface RunDatasetsOptions {
  writer: SourceWriter;
  source: CollectedSourceKind;
  tasks: readonly DatasetTask[];
  /** Datasets not to collect, with the reason recorded as `missing`. */
  skip?: ReadonlyMap<string, string>;
  resume?: boolean;
  /** Datasets collected at once (default 4). */
  parallel?: number;
  signal?: AbortSignal;
  onEvent?: (e: CollectEvent) => void;
  /** Called with every SourceApiError a task ends with (for logging). */
  onError?: (dataset: string, e: unknown) => void;
}

/** The datasets named by `--skip`, each with the reason the ledger records (added to `into`). */
export function skippedByRequest(names: readonly string[] = [], into = new Map<string, string>()): Map<string, string> {
  for (const d of names) into.set(d, `not collected: skipped by request (--skip ${d})`);
  return into;
}

/**
 * One source's collection into its writer: the datasets run, and a failure outside any dataset
 * (a bug, a full disk) leaves a manifest that says what is incomplete before it is rethrown.
 */
export async function collectInto(dir: string, opts: RunDatasetsOptions): Promise<CollectResult> {
  try {
    const results = await runDatasets(opts);
    return { dir, manifest: opts.writer.manifest, results };
  } catch (e) {
    await opts.writer.abort(`collection failed: ${String((e as Error)?.message ?? e)}`);
    throw e;
  }
}

/** The reason an interruption leaves in the ledger. */
const INTERRUPTED = 'interrupted (SIGINT) before the list was finished';

export async function runDatasets(opts: RunDatasetsOptions): Promise<DatasetResult[]> {
  const { writer, source, tasks } = opts;
  const signal = opts.signal ?? new AbortController().signal;
  const parallel = Math.max(1, opts.parallel ?? 4);
  const emit = opts.onEvent ?? (() => {});
  const results = new Map<string, DatasetResult>();
  const known = new Set(tasks.map((t) => t.name));
  for (const t of tasks) {
    for (const p of t.after ?? []) {
      if (!known.has(p)) throw new Error(`runDatasets: ${t.name} reads ${p}, which is not a task of this run`);
    }
  }

  const statusOf = (name: string): DatasetStatus | undefined => results.get(name)?.status;
  const finishEvent = (r: DatasetResult) => {
    results.set(r.dataset, r);
    emit({ type: 'finish', source, ...r });
  };

  const pending = [...tasks];
  const running = new Map<string, Promise<void>>();

  const ready = (t: DatasetTask) => (t.after ?? []).every((p) => results.has(p));

  const startTask = (t: DatasetTask) => {
    const p = runOne(t).finally(() => running.delete(t.name));
    running.set(t.name, p);
  };

  const runOne = async (t: DatasetTask): Promise<void> => {
    const skipReason = opts.skip?.get(t.name);
    if (skipReason !== undefined) {
      skipDataset(writer, t.name, skipReason);
      finishEvent({ dataset: t.name, status: 'missing', count: 0, reason: skipReason, requests: 0, objects: 0, seconds: 0 });
      return;
    }
    if (opts.resume && writer.isComplete(t.name)) {
      const l = writer.ledger(t.name)!;
      finishEvent({
        dataset: t.name,
        status: 'complete',
        count: l.count ?? 0,
        requests: 0,
        objects: 0,
        seconds: 0,
        resumed: true,
      });
      return;
    }
    const missingParent = (t.after ?? []).find((p) => statusOf(p) === 'missing');
    if (missingParent) {
      const why = results.get(missingParent)?.reason;
      const reason = `not collected: it is read per ${missingParent} object, and ${missingParent} is missing${why ? ` (${why})` : ''}`;
      skipDataset(writer, t.name, reason);
      finishEvent({ dataset: t.name, status: 'missing', count: 0, reason, requests: 0, objects: 0, seconds: 0 });
      return;
    }

    emit({ type: 'start', source, dataset: t.name });
    const started = performance.now();
    const stats = newStats();
    const w: DatasetWriter = writer.dataset(t.name);
    const incomplete: string[] = [];
    let lastProgress = 0;
    let done: number | undefined;
    let total: number | undefined;
    const report = (force = false) => {
      const now = performance.now();
      if (!force && now - lastProgress < 200) return;
      lastProgress = now;
      emit({ type: 'progress', source, dataset: t.name, lines: w.count, requests: stats.requests, done, total });
    };
    const out: DatasetOutput = {
      name: t.name,
      stats,
      signal,
      dir: writer.dir,
      async write(obj) {
        await w.write(obj);
        report();
      },
      incomplete(reason) {
        incomplete.push(reason);
      },
      progress(d, tot) {
        done = d;
        if (tot !== undefined) total = tot;
        report();
      },
      statusOf,
    };

    let status: 'complete' | 'partial' | 'missing';
    let reason: string | undefined;
    try {
      await t.run(out);
      if (signal.aborted) throw signal.reason ?? new Error('aborted');
      const partialParents = (t.after ?? []).filter((p) => statusOf(p) !== 'complete');
      for (const p of partialParents) {
        incomplete.push(`${p} is ${statusOf(p)}, so the ${t.name} of the ${p} objects not read are not here either`);
      }
      status = incomplete.length ? 'partial' : 'complete';
      reason = incomplete.length ? summarize(incomplete) : undefined;
    } catch (e) {
      status = 'missing'; // SourceWriter turns it into `partial` when lines were written
      reason = signal.aborted ? INTERRUPTED : reasonOf(e);
      if (incomplete.length && !signal.aborted) reason = `${reason}; ${summarize(incomplete)}`;
      if (!signal.aborted) opts.onError?.(t.name, e);
    }
    report(true);
    const seconds = (performance.now() - started) / 1000;
    await writer.finish(t.name, status, { reason, requests: stats.requests, objects: stats.objects, seconds });
    const entry = writer.manifest.datasets[t.name];
    if (stats.retries) entry.retries = stats.retries;
    if (stats.throttled) entry.throttled = stats.throttled;
    if (t.ledger) Object.assign(entry, t.ledger);
    writer.writeManifest();
    finishEvent({
      dataset: t.name,
      status: entry.status,
      count: entry.count ?? 0,
      reason: entry.reason,
      requests: stats.requests,
      objects: stats.objects,
      seconds,
    });
  };

  while (pending.length || running.size) {
    if (!signal.aborted) {
      for (let i = 0; i < pending.length && running.size < parallel; ) {
        if (ready(pending[i])) startTask(pending.splice(i, 1)[0]);
        else i++;
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }

  // Interrupted (or a dependency could never finish): say so for every dataset not attempted.
  for (const t of pending) {
    const reason = signal.aborted ? 'not collected: interrupted (SIGINT) before it started' : 'not collected';
    skipDataset(writer, t.name, reason);
    finishEvent({ dataset: t.name, status: 'missing', count: 0, reason, requests: 0, objects: 0, seconds: 0 });
  }
  return tasks.map((t) => results.get(t.name)!).filter(Boolean);
}

/** Mark a dataset missing and remove any file an earlier run left for it. */
function skipDataset(writer: SourceWriter, name: string, reason: string): void {
  rmSync(join(writer.dir, `${name}.jsonl`), { force: true });
  writer.skip(name, reason);
}

/** One reason line per distinct cause, counting repeats: `HTTP 503 … on /groups/{id}/members for 3 groups`. */
export function summarize(reasons: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts]
    .map(([r, n]) => (n > 1 ? `${r} (${n} times)` : r))
    .slice(0, 5)
    .join('; ')
    .concat(counts.size > 5 ? `; and ${counts.size - 5} other causes` : '');
}

export function reasonOf(e: unknown): string {
  if (e instanceof SourceApiError) return e.reason;
  const m = (e as Error)?.message ?? String(e);
  return m.length > 300 ? `${m.slice(0, 300)}…` : m;
}

/** Stream the objects of a dataset already written to `dir` (a parent's ids), or nothing if absent. */
export async function* readWritten(dir: string, dataset: string): AsyncGenerator<Record<string, unknown>> {
  const path = join(dir, `${dataset}.jsonl`);
  if (!existsSync(path)) return;
  const rl = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of rl) {
    if (line.trim() === '') continue;
    yield JSON.parse(line) as Record<string, unknown>;
  }
}

/** All values of one field of a written dataset (parent ids), in file order, deduplicated. */
export async function readWrittenIds(dir: string, dataset: string, pick: (o: Record<string, unknown>) => unknown = (o) => o.id): Promise<string[]> {
  const seen = new Set<string>();
  for await (const o of readWritten(dir, dataset)) {
    const v = pick(o);
    if (typeof v === 'string' && v) seen.add(v);
  }
  return [...seen];
}
