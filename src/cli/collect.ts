/**
 * `revenant collect <source>`: reads a tenant, an org or an HR roster into a collection folder
 * (one folder per source). One command per collector in the source registry
 * (`SOURCES.collectors()`: each source declares its description, options and `--skip` datasets,
 * and its collector, loaded only when the command runs); the options every collector shares are
 * added and checked here. Progress: on a terminal one live line per dataset (items, rate, ETA
 * where the number of parents is known); otherwise one JSON line per finished dataset on stderr.
 * Ctrl-C stops the collection and leaves a valid folder whose manifest says what is incomplete
 * (exit 130); `--resume` continues it without reading completed datasets again. Nothing here
 * prints a token, secret or key.
 */
import { Command, Option } from 'commander';
import { SOURCES } from '../../ingest/sources.js';
import { InputError } from '../model/errors.js';
import type { CollectRun, CollectorDef, CollectorEvent, CollectorResult } from '../model/source.js';
import { ExitWith } from './exit.js';
import { SIGINT_EXIT, onInterrupt } from './interrupt.js';
import { optionOf } from './options.js';

type Event = CollectorEvent;

interface CommonCliOptions {
  out?: string;
  subject?: string;
  delta?: boolean;
  base?: string;
  store?: string;
  overlap?: string;
  collectedAt?: string;
  since?: string;
  until?: string;
  resume?: boolean;
  force?: boolean;
  skip?: string[];
  concurrency?: string;
  parallel?: string;
  maxAttempts?: string;
  timeout?: string;
  retryBaseMs?: string;
  progress?: boolean;
}

function positiveInt(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`collect: ${name} must be a positive integer (got ${JSON.stringify(v)})`);
  return n;
}

/** `--since 2026-08-01`, `--since 30d` (days before now). */
function parseWhen(v: string | undefined, name: string, now = new Date()): string | undefined {
  if (v === undefined) return undefined;
  const days = /^(\d+)d$/.exec(v.trim());
  if (days) return new Date(now.getTime() - Number(days[1]) * 86_400_000).toISOString();
  const t = Date.parse(v);
  if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}/.test(v.trim())) throw new InputError(`collect: ${name} must be an ISO-8601 date or Nd (got ${JSON.stringify(v)})`);
  return new Date(t).toISOString();
}

function addCommon(cmd: Command, datasets: readonly string[], delta: boolean): Command {
  if (delta) {
    cmd
      .option('--delta', 'read only what changed since a previous collection (--base, default: the one the latest snapshot was loaded from) and write a delta collection')
      .option('--base <dir>', 'with --delta: the collection this one extends (a collection folder or its source folder)')
      .option('--store <path>', 'with --delta and no --base: the store whose latest snapshot names the base (default $REVENANT_STORE or ./.revenant)')
      .option('--overlap <minutes>', 'with --delta: how far the audit / System Log window reaches back before the base (default 30)');
  }
  return cmd
    .addOption(new Option('--collected-at <iso>', 'the collection time to record (tests, benchmarks)').hideHelp())
    .option('--out <dir>', 'collection folder (default ./collection-<today>)')
    .option('--subject <account>', 'read only what the rules need about one account (UPN, login, mail or id) and its correlated accounts')
    .option('--since <date>', 'start of the audit / System Log window (ISO-8601 date or Nd)')
    .option('--until <date>', 'end of the audit / System Log window (default now)')
    .option('--resume', 'continue an interrupted collection in --out without re-reading completed datasets')
    .option('--force', 'replace an existing collection of this source in --out')
    .option('--skip <dataset...>', `datasets not to collect (recorded as missing): ${datasets.join(', ')}`)
    .option('--concurrency <n>', 'HTTP requests in flight at once (default 8)')
    .option('--parallel <n>', 'datasets collected at once')
    .option('--max-attempts <n>', 'attempts per request before a dataset is marked partial (default 6)')
    .option('--timeout <seconds>', 'time allowed for one request attempt (default 60)')
    .addOption(new Option('--retry-base-ms <ms>', 'first backoff step (tests)').hideHelp())
    .option('--no-progress', 'no live progress on a terminal (JSON lines on stderr instead)');
}

/** The source folder of `source` the latest snapshot of a store was loaded from (the default base of a delta). */
async function defaultBase(source: string, storePath: string | undefined): Promise<string> {
  const [{ Store }, { SnapshotDb }] = await Promise.all([import('../store/Store.js'), import('../store/SnapshotDb.js')]);
  const store = new Store(storePath);
  const id = store.latestId();
  if (!id) throw new InputError(`collect ${source} --delta: no --base, and no snapshot in ${store.dir} to take it from: name the collection to extend with --base DIR`);
  const db = new SnapshotDb(store.pathOf(id));
  try {
    const found = db.sources().filter((s) => s.source === source);
    if (found.length !== 1) {
      throw new InputError(`collect ${source} --delta: the latest snapshot ${id} has ${found.length === 0 ? 'no' : 'several'} ${source} source${found.length === 1 ? '' : 's'}: name the collection to extend with --base DIR`);
    }
    return found[0].folder;
  } finally {
    db.close();
  }
}

/** `--delta` and its options, checked; the base resolved (`--base`, or the latest snapshot's folder of this source). */
async function deltaOf(o: CommonCliOptions, source: string): Promise<CollectRun['delta']> {
  if (!o.delta && (o.base || o.overlap)) throw new InputError(`collect ${source}: --base and --overlap go with --delta`);
  if (!o.delta) return undefined;
  if (o.subject) throw new InputError(`collect ${source}: --delta and --subject exclude each other`);
  if (o.resume) throw new InputError(`collect ${source}: --delta cannot --resume (run it again: a delta is short)`);
  return { base: o.base ?? (await defaultBase(source, o.store)), overlapMinutes: positiveInt(o.overlap, '--overlap') };
}

function retryOf(o: CommonCliOptions) {
  const timeout = o.timeout === undefined ? undefined : Number(o.timeout);
  if (timeout !== undefined && !(timeout > 0)) throw new InputError(`collect: --timeout must be a number of seconds (got ${JSON.stringify(o.timeout)})`);
  return {
    maxAttempts: positiveInt(o.maxAttempts, '--max-attempts'),
    timeoutMs: timeout === undefined ? undefined : timeout * 1000,
    baseDelayMs: positiveInt(o.retryBaseMs, '--retry-base-ms'),
  };
}

function checkDatasets(list: string[] | undefined, known: readonly string[], flag: string): string[] | undefined {
  for (const d of list ?? []) {
    if (!known.includes(d)) throw new InputError(`collect: ${flag} ${d}: not a dataset of this source (${known.join(', ')})`);
  }
  return list;
}

/** The options every collector shares, checked (the run adds its signal and progress callback). */
function commonRun(o: CommonCliOptions, datasets: readonly string[], dayDir: string): Omit<CollectRun, 'signal' | 'onEvent'> {
  return {
    out: o.out ?? defaultOut(dayDir, o.subject),
    subject: o.subject,
    since: parseWhen(o.since, '--since'),
    until: parseWhen(o.until, '--until'),
    resume: o.resume,
    force: o.force,
    skip: checkDatasets(o.skip, datasets, '--skip'),
    concurrency: positiveInt(o.concurrency, '--concurrency'),
    parallelDatasets: positiveInt(o.parallel, '--parallel'),
    retry: retryOf(o),
    collectedAt: o.collectedAt ? parseWhen(o.collectedAt, '--collected-at') : undefined,
  };
}

/** `revenant collect <kind>` for one registered collector. */
function addCollector(collect: Command, kind: string, def: CollectorDef, datasets: readonly string[]): void {
  const cmd = collect.command(kind).description(def.description);
  for (const d of def.options) cmd.addOption(optionOf(d));
  if (def.common === false) {
    cmd.action(async (o: CommonCliOptions & Record<string, unknown>) => {
      const [collector, { defaultCollectionDir }] = await Promise.all([def.load(), import('../../ingest/collection/sourceFolder.js')]);
      const never = new AbortController().signal;
      const run: CollectRun = { out: o.out ?? defaultCollectionDir(), force: o.force, retry: {}, signal: never, onEvent: () => {} };
      const result = await collector.collect(o, run);
      if ('summary' in result) process.stderr.write(`revenant: ${result.summary}\n`);
      process.stdout.write(`${result.dir}\n`);
    });
    return;
  }
  addCommon(cmd, datasets, !!def.delta).action(async (o: CommonCliOptions & Record<string, unknown>) => {
    const [collector, { defaultCollectionDir }] = await Promise.all([def.load(), import('../../ingest/collection/sourceFolder.js')]);
    const common = { ...commonRun(o, datasets, defaultCollectionDir()), delta: await deltaOf(o, kind) };
    await runCollector(kind, o, async (signal, onEvent) => {
      const result = await collector.collect(o, { ...common, signal, onEvent });
      if (!('manifest' in result)) throw new Error(`collect ${kind}: the collector returned no manifest`);
      return result;
    });
  });
}

export function registerCollect(program: Command): void {
  const collect = program.command('collect').description('read a tenant, an org or an HR roster into a collection folder (one folder per source)');
  for (const { kind, collector, datasets } of SOURCES.collectors()) addCollector(collect, kind, collector, datasets);
}

/** A subject collection never lands in the day's tenant collection by default. */
function defaultOut(dayDir: string, subject: string | undefined): string {
  if (!subject) return dayDir;
  return `${dayDir}-subject-${subject.replace(/[^A-Za-z0-9@._-]+/g, '_')}`;
}

type RunResult = CollectorResult;

/** Run a collector with Ctrl-C handling, progress and a summary. */
async function runCollector(
  source: string,
  o: CommonCliOptions,
  run: (signal: AbortSignal, onEvent: (e: Event) => void) => Promise<RunResult>,
): Promise<void> {
  const interrupt = onInterrupt('closing the datasets and writing the manifest');
  const progress = await Progress.create(source, o.progress !== false && !!process.stderr.isTTY);
  let result: RunResult;
  try {
    result = await run(interrupt.signal, (e) => progress.on(e));
  } finally {
    progress.stop();
    interrupt.dispose();
  }
  const entries = Object.entries(result.manifest.datasets);
  const by = (s: string) => entries.filter(([, l]) => l.status === s);
  const incomplete = [...by('partial'), ...by('missing')];
  const lines = [`revenant: ${source} collection in ${result.dir}: ${by('complete').length} complete, ${by('partial').length} partial, ${by('missing').length} missing`];
  for (const [name, l] of incomplete) lines.push(`  ${l.status} ${name}${l.reason ? `: ${l.reason}` : ''}`);
  process.stderr.write(`${lines.join('\n')}\n`);
  process.stdout.write(`${result.dir}\n`);
  if (interrupt.signal.aborted) throw new ExitWith(SIGINT_EXIT);
}

interface BarState {
  bar: { update(v: number, payload?: object): void; setTotal(t: number): void };
  started: number;
  lines: number;
  requests: number;
  done?: number;
  total?: number;
}

/** Live bars on a terminal; JSON lines otherwise. */
class Progress {
  private bars = new Map<string, BarState>();

  private constructor(
    private readonly source: string,
    private readonly multibar: {
      create(total: number, start: number, payload?: object): BarState['bar'];
      remove(bar: BarState['bar']): boolean;
      log(s: string): void;
      stop(): void;
    } | null,
  ) {}

  static async create(source: string, tty: boolean): Promise<Progress> {
    if (!tty) return new Progress(source, null);
    const { default: cliProgress } = await import('cli-progress');
    const multibar = new cliProgress.MultiBar({
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
      fps: 5,
      format: (_opts: unknown, params: { value: number; total: number }, payload: Record<string, unknown>) => Progress.format(params, payload),
    });
    return new Progress(source, multibar);
  }

  private static format(params: { value: number; total: number }, p: Record<string, unknown>): string {
    const secs = Math.max(0.001, (Date.now() - Number(p.started)) / 1000);
    const lines = Number(p.lines ?? 0);
    const rate = Math.round(lines / secs);
    const name = `${String(p.source)} ${String(p.dataset).padEnd(28)}`;
    const tail = `${lines.toLocaleString('en-US')} items  ${rate.toLocaleString('en-US')}/s  ${String(p.requests)} requests`;
    if (params.total > 0 && p.done !== undefined) {
      const frac = Math.min(1, params.value / params.total);
      const width = 20;
      const filled = Math.round(frac * width);
      const eta = params.value > 0 ? Math.round((secs / params.value) * (params.total - params.value)) : undefined;
      return `${name} [${'='.repeat(filled)}${' '.repeat(width - filled)}] ${params.value}/${params.total}  ETA ${eta === undefined ? '?' : `${eta}s`}  ${tail}`;
    }
    return `${name} ${tail}  ${Math.round(secs)}s`;
  }

  on(e: Event): void {
    if (!this.multibar) {
      if (e.type === 'finish') {
        const { type: _t, ...rest } = e;
        process.stderr.write(`${JSON.stringify({ event: 'dataset', ...rest, seconds: Math.round(e.seconds * 1000) / 1000 })}\n`);
      }
      return;
    }
    if (e.type === 'start') {
      const bar = this.multibar.create(0, 0, { source: this.source, dataset: e.dataset, lines: 0, requests: 0, started: Date.now() });
      this.bars.set(e.dataset, { bar, started: Date.now(), lines: 0, requests: 0 });
      return;
    }
    const s = this.bars.get(e.dataset);
    if (e.type === 'progress' && s) {
      s.lines = e.lines;
      s.requests = e.requests;
      if (e.total !== undefined && e.total !== s.total) {
        s.total = e.total;
        s.bar.setTotal(e.total);
      }
      s.done = e.done;
      s.bar.update(e.done ?? 0, { lines: e.lines, requests: e.requests, done: e.done });
      return;
    }
    if (e.type === 'finish') {
      if (s) this.multibar.remove(s.bar);
      this.bars.delete(e.dataset);
      const mark = e.status === 'complete' ? 'ok' : e.status;
      const extra = e.resumed ? ' (complete in the earlier run)' : e.reason ? `: ${e.reason}` : '';
      this.multibar.log(`${this.source} ${e.dataset.padEnd(28)} ${mark.padEnd(8)} ${e.count.toLocaleString('en-US')} lines  ${e.requests} requests  ${e.seconds.toFixed(1)}s${extra}\n`);
    }
  }

  stop(): void {
    this.multibar?.stop();
  }
}
