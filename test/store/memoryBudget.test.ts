/**
 * Memory safety: a load whose estimated memory exceeds the budget is refused before any work —
 * exit code 2, a message naming the budget and the estimate, no snapshot and no partial file —
 * and one that fits loads as before. The budget comes from --memory-budget, REVENANT_MEMORY_BUDGET
 * or the machine (cgroup) memory; the heap estimate is also held against V8's heap limit.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCollection } from '../../ingest/collection/openCollection.js';
import { ResourceError } from '../../src/model/errors.js';
import { LOAD_MEMORY_MODEL, availableMemory, checkLoadMemory, estimateLoadMemory, memoryBudget, parseMemorySize } from '../../src/store/memoryBudget.js';
import { cli } from '../support/cli.js';
import { ensureBuilt } from '../support/ensureBuilt.js';
import { ROOT } from '../support/scenarios.js';

const SAMPLE = join(ROOT, 'examples', 'sample');

describe('memory sizes and the budget', () => {
  it('parses sizes, and off', () => {
    expect(parseMemorySize('12G', 'x')).toBe(12 * 2 ** 30);
    expect(parseMemorySize('1.5gb', 'x')).toBe(1.5 * 2 ** 30);
    expect(parseMemorySize('800M', 'x')).toBe(800 * 2 ** 20);
    expect(parseMemorySize('4096', 'x')).toBe(4096);
    expect(parseMemorySize('off', 'x')).toBeNull();
    expect(() => parseMemorySize('lots', '--memory-budget')).toThrow(/--memory-budget: "lots" is not a memory size/);
  });

  it('defaults to 85 % of the memory available, and takes the variable over the default', () => {
    const before = process.env.REVENANT_MEMORY_BUDGET;
    try {
      delete process.env.REVENANT_MEMORY_BUDGET;
      const avail = availableMemory();
      expect(avail.bytes).toBeLessThanOrEqual(totalmem());
      expect(memoryBudget().bytes).toBe(Math.floor(avail.bytes * 0.85));
      process.env.REVENANT_MEMORY_BUDGET = '3G';
      expect(memoryBudget()).toEqual({ bytes: 3 * 2 ** 30, from: 'REVENANT_MEMORY_BUDGET' });
      expect(memoryBudget('2G')).toEqual({ bytes: 2 * 2 ** 30, from: '--memory-budget' });
    } finally {
      if (before === undefined) delete process.env.REVENANT_MEMORY_BUDGET;
      else process.env.REVENANT_MEMORY_BUDGET = before;
    }
  });

  it('estimates from the bytes of the datasets the load reads', () => {
    const est = estimateLoadMemory([openCollection(SAMPLE)]);
    expect(est.inputBytes).toBeGreaterThan(1000);
    expect(est.rss).toBe(LOAD_MEMORY_MODEL.rss.base + LOAD_MEMORY_MODEL.rss.perInputByte * est.inputBytes);
    expect(est.heap).toBe(LOAD_MEMORY_MODEL.heap.base + LOAD_MEMORY_MODEL.heap.perInputByte * est.inputBytes);
  });

  it('holds the heap estimate against the heap limit, saying what to run', () => {
    const cols = [openCollection(SAMPLE)];
    expect(() => checkLoadMemory(cols, { bytes: 64 * 2 ** 30, from: 'test' }, 1024)).toThrow(ResourceError);
    expect(() => checkLoadMemory(cols, { bytes: 64 * 2 ** 30, from: 'test' }, 1024)).toThrow(/heap limit of .*NODE_OPTIONS=--max-old-space-size=\d+/);
    expect(checkLoadMemory(cols, { bytes: null, from: 'off' }, 1024).inputBytes).toBeGreaterThan(0);
    expect(checkLoadMemory(cols, { bytes: 64 * 2 ** 30, from: 'test' }).rss).toBeGreaterThan(0);
  });
});

describe('revenant load under a memory budget', () => {
  it('refuses a load over budget before writing anything (exit 2), and loads within it', () => {
    ensureBuilt();
    const store = mkdtempSync(join(tmpdir(), 'revenant-budget-'));
    const r = cli(['load', SAMPLE, '--store', store, '--memory-budget', '50M']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/needs an estimated \d+ MB of memory \(\d+ MB of collected data\), more than the memory budget of 50 MB \(--memory-budget\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(store, 'snapshots')) ? readdirSync(join(store, 'snapshots')) : []).toEqual([]);

    const env = cli(['load', SAMPLE, '--store', store], { REVENANT_MEMORY_BUDGET: '10M' });
    expect(env.status).toBe(2);
    expect(env.stderr).toMatch(/memory budget of 10 MB \(REVENANT_MEMORY_BUDGET\)/);

    const bad = cli(['load', SAMPLE, '--store', store, '--memory-budget', 'plenty']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--memory-budget: "plenty" is not a memory size/);

    const ok = cli(['load', SAMPLE, '--store', store, '--memory-budget', '4G']);
    expect(ok.status).toBe(0);
    expect(readdirSync(join(store, 'snapshots')).filter((f) => f.endsWith('.sqlite'))).toHaveLength(1);
  });
});
