/**
 * The memory a load may use, and what a load of given collections will need — checked before any
 * work, so a collection too large for the machine fails in milliseconds with a message naming the
 * budget and the estimate, instead of an out-of-memory kill minutes later.
 *
 * The budget is `--memory-budget` / REVENANT_MEMORY_BUDGET (`12G`, `8000M`, `off`), by default
 * 85 % of the memory this process may use (the container's cgroup limit when there is one, else
 * the machine's). Two limits are checked: the estimated peak resident memory against the budget,
 * and the estimated JavaScript heap against V8's heap limit (`--max-old-space-size`), since the
 * heap limit is what kills a Node process first.
 *
 * The estimate is linear in the bytes of the datasets the load will read (JSONL, as collected):
 * those bytes track objects, relationships and properties together. Its coefficients come from
 * measured loads of synthetic tenants (bench/scale.mjs records both), with a margin; see
 * LOAD_MEMORY_MODEL.
 */
import { readFileSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { type Collection, datasetFiles } from '../../ingest/collection/openCollection.js';
import { ResourceError } from '../model/errors.js';

const MB = 2 ** 20;
const GB = 2 ** 30;

/**
 * Peak memory of a load as `base + perInputByte × input bytes` (RSS: everything the process holds;
 * heap: the V8 heap alone, without typed arrays and SQLite's page cache). Measured on synthetic
 * tenants (bench/scale.mjs): peak RSS was 1.7 × the input at 100k people, 1.5 × at 250k and
 * 1.26 × at 1M (9.5 GB for 7.5 GB), the heap about 0.8–1.0 ×; the coefficients sit at the upper
 * end, so the estimate errs on the side of refusing.
 */
export const LOAD_MEMORY_MODEL = {
  rss: { base: 160 * MB, perInputByte: 1.7 },
  heap: { base: 80 * MB, perInputByte: 1.1 },
} as const;

export interface MemoryBudget {
  /** Bytes, or null when the check is off. */
  bytes: number | null;
  /** Where the figure comes from, for messages. */
  from: string;
}

/** `12G`, `12GB`, `800M`, `1.5g`, a byte count, or `off`. */
export function parseMemorySize(text: string, what: string): number | null {
  const t = text.trim().toLowerCase();
  if (t === 'off' || t === 'none') return null;
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/.exec(t);
  if (!m) throw new ResourceError(`${what}: ${JSON.stringify(text)} is not a memory size (e.g. 12G, 800M, or off)`, { field: what });
  const unit = { '': 1, k: 2 ** 10, m: MB, g: GB, t: 2 ** 40 }[m[2] as '' | 'k' | 'm' | 'g' | 't'];
  return Math.round(Number(m[1]) * unit);
}

/** The memory this process may use: the cgroup (v2 or v1) limit when lower than the machine's. */
export function availableMemory(): { bytes: number; from: string } {
  const machine = totalmem();
  for (const f of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    try {
      const v = readFileSync(f, 'utf8').trim();
      const n = Number(v);
      if (v !== 'max' && Number.isFinite(n) && n > 0 && n < machine) return { bytes: n, from: `the container's memory limit (${fmt(n)})` };
    } catch {
      // not in a cgroup with a limit
    }
  }
  return { bytes: machine, from: `the machine's memory (${fmt(machine)})` };
}

let optionSpec: string | undefined;

/** The `--memory-budget` of this run (validated now; used by every load the process makes). */
export function setMemoryBudgetOption(spec: string): void {
  parseMemorySize(spec, '--memory-budget');
  optionSpec = spec;
}

/** The budget from `--memory-budget` or REVENANT_MEMORY_BUDGET, else 85 % of the available memory. */
export function memoryBudget(option: string | undefined = optionSpec): MemoryBudget {
  const spec = option ?? process.env.REVENANT_MEMORY_BUDGET;
  if (spec !== undefined && spec !== '') {
    const what = option !== undefined ? '--memory-budget' : 'REVENANT_MEMORY_BUDGET';
    return { bytes: parseMemorySize(spec, what), from: what };
  }
  const avail = availableMemory();
  return { bytes: Math.floor(avail.bytes * 0.85), from: `85 % of ${avail.from}; set --memory-budget or REVENANT_MEMORY_BUDGET to change it` };
}

export interface LoadEstimate {
  inputBytes: number;
  rss: number;
  heap: number;
}

/** Estimate a load's peak memory from the sizes of the dataset files it will read. */
export function estimateLoadMemory(cols: readonly Collection[]): LoadEstimate {
  let inputBytes = 0;
  for (const c of cols) {
    for (const s of c.sources) {
      for (const df of datasetFiles(s)) {
        if (df.ledger.status === 'missing' || !df.exists) continue;
        try {
          inputBytes += statSync(df.path).size;
        } catch {
          // reported by the load itself
        }
      }
    }
  }
  const m = LOAD_MEMORY_MODEL;
  return { inputBytes, rss: m.rss.base + m.rss.perInputByte * inputBytes, heap: m.heap.base + m.heap.perInputByte * inputBytes };
}

export function fmt(bytes: number): string {
  return bytes >= GB ? `${(bytes / GB).toFixed(1)} GB` : `${Math.round(bytes / MB)} MB`;
}

/**
 * Refuse a load that would not fit: the estimate against the budget, and the heap estimate
 * against V8's heap limit. `heapLimit` defaults to this process's.
 */
export function checkLoadMemory(cols: readonly Collection[], budget: MemoryBudget = memoryBudget(), heapLimit = getHeapStatistics().heap_size_limit): LoadEstimate {
  const est = estimateLoadMemory(cols);
  if (budget.bytes === null) return est;
  const input = `${fmt(est.inputBytes)} of collected data`;
  if (est.rss > budget.bytes) {
    throw new ResourceError(
      `load: this load needs an estimated ${fmt(est.rss)} of memory (${input}), more than the memory budget of ${fmt(budget.bytes)} (${budget.from}); ` +
        'load on a machine with more memory, raise the budget if the machine has it, or use the Neo4j engine for graphs beyond one machine',
      { field: 'memory budget' },
    );
  }
  if (est.heap > heapLimit) {
    const need = Math.ceil((est.heap * 1.1) / MB / 256) * 256;
    throw new ResourceError(
      `load: this load needs an estimated ${fmt(est.heap)} of JavaScript heap (${input}), more than this Node.js process's heap limit of ${fmt(heapLimit)}; ` +
        `the memory budget (${fmt(budget.bytes)}) allows more: run it with NODE_OPTIONS=--max-old-space-size=${need}`,
      { field: 'heap limit' },
    );
  }
  return est;
}
