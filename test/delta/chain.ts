/**
 * The delta-equivalence chain the equivalence suites share: a synthetic tenant served by the
 * Graph and Okta fakes (with, optionally, a GitHub organisation and an Azure tenant whose accounts
 * and roles hang on its Entra users: test/support/sideSources.ts), generated changes applied step
 * by step (test/support/tenantChanges.ts, sideSources.ts),
 * and at each step a delta collection + delta load beside a full collection + full load; the
 * findings documents are compared normalized — the snapshot id put aside and each evidence
 * reference (`file:line`, which names the collection a line was read from) replaced by the line
 * it names.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expect } from 'vitest';
import { synthesize } from '../../ingest/synth/synthesize.js';
import { importRoster } from '../../ingest/hr/importRoster.js';
import { type DeltaLoadResult, type LoadResult, loadDelta, loadSnapshot } from '../../queries/loadSnapshot.js';
import type { FindingsDoc } from '../../queries/residual.js';
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { Store } from '../../src/store/Store.js';
import { readStoredFindings } from '../../src/store/storedFindings.js';
import { GraphFake } from '../fakes/GraphFake.js';
import { OktaFake } from '../fakes/OktaFake.js';
import { loadScenario, rosterCsv } from '../fakes/scenarioTenants.js';
import { ensureBuilt, runCli } from '../collect/helpers.js';
import { CHANGE_KINDS, TenantChanges } from '../support/tenantChanges.js';
import { SIDE_CHANGE_KINDS, SideSources } from '../support/sideSources.js';

type Raw = Record<string, unknown>;

const T0 = Date.parse('2026-11-01T00:00:00Z');
const iso = (t: number) => new Date(t).toISOString();

/** Sorted keys, for comparing records whatever order their fields were written in. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v as Raw).sort().map((k) => [k, canonical((v as Raw)[k])]));
  return v;
}

/** Where two normalized documents differ (the first few differences), for a readable failure. */
export function differences(a: string, b: string): string[] {
  const x = JSON.parse(a) as Record<string, unknown>;
  const y = JSON.parse(b) as Record<string, unknown>;
  const out: string[] = [];
  for (const k of Object.keys({ ...x, ...y })) {
    const xa = x[k];
    const ya = y[k];
    if (JSON.stringify(xa) === JSON.stringify(ya)) continue;
    if (Array.isArray(xa) && Array.isArray(ya)) {
      const sa = new Set(xa.map((e) => JSON.stringify(e)));
      const sb = new Set(ya.map((e) => JSON.stringify(e)));
      const onlyA = [...sa].filter((e) => !sb.has(e));
      const onlyB = [...sb].filter((e) => !sa.has(e));
      out.push(`${k}: ${onlyA.length} only in the delta, ${onlyB.length} only in the full${!onlyA.length && !onlyB.length ? ' (order differs)' : ''}`);
      for (const e of onlyA.slice(0, 2)) out.push(`  delta: ${e.slice(0, 600)}`);
      for (const e of onlyB.slice(0, 2)) out.push(`  full:  ${e.slice(0, 600)}`);
    } else {
      // Deep: the first paths that differ.
      const walk = (p: string, u: unknown, v: unknown) => {
        if (out.length > 8 || JSON.stringify(u) === JSON.stringify(v)) return;
        if (u && v && typeof u === 'object' && typeof v === 'object' && !Array.isArray(u)) {
          for (const kk of Object.keys({ ...(u as Raw), ...(v as Raw) })) walk(`${p}.${kk}`, (u as Raw)[kk], (v as Raw)[kk]);
        } else out.push(`${p}: delta ${JSON.stringify(u)?.slice(0, 300)} / full ${JSON.stringify(v)?.slice(0, 300)}`);
      };
      walk(k, xa, ya);
    }
  }
  return out;
}

/** The document with its snapshot id put aside and each evidence reference replaced by the line it names. */
export function normalized(doc: FindingsDoc, roots: Map<string, string>, defaultRoot: string): string {
  const cache = new Map<string, string[]>();
  const line = (file: string, n: number): string => {
    const [first, ...rest] = file.split('/');
    const path = roots.has(first) ? join(roots.get(first)!, ...rest) : join(defaultRoot, file);
    if (!cache.has(path)) cache.set(path, readFileSync(path, 'utf8').split('\n'));
    const text = cache.get(path)![n - 1];
    if (text === undefined) throw new Error(`evidence ${file}:${n} names no line`);
    return JSON.stringify(canonical(JSON.parse(text)));
  };
  const findings = doc.findings.map((f) => ({
    ...f,
    evidence: f.evidence.map((e) => {
      const m = /^(.*):(\d+)$/.exec(e);
      return m ? line(m[1], Number(m[2])) : e;
    }).sort(),
  }));
  return JSON.stringify({ ...doc, snapshot: null, findings });
}

export interface ChainStep {
  i: number;
  /** The changes applied (described). */
  done: string[];
  kinds: string[];
  /** Kinds of the GitHub and Azure changes applied (SIDE_CHANGE_KINDS). */
  sideKinds: string[];
  deltaDir: string;
  fullDir: string;
  dl: DeltaLoadResult;
  fl: LoadResult;
  /** The stored findings documents of the delta and the full snapshot. */
  dd: FindingsDoc;
  fd: FindingsDoc;
}

/** A tenant, its fakes, two stores (delta chain, full loads) and the collections read so far. */
export class DeltaChain {
  graph!: GraphFake;
  okta!: OktaFake;
  tenant = '';
  hr: Raw[] = [];
  changes!: TenantChanges;
  /** A GitHub organisation and an Azure tenant beside the Entra tenant, when the chain has them. */
  sides: SideSources | undefined;
  readonly deltaStore: Store;
  readonly fullStore: Store;
  readonly roots = new Map<string, string>();
  clock = T0;
  base0 = '';
  prev = '';
  base!: LoadResult;

  constructor(readonly root: string) {
    this.deltaStore = new Store(join(root, 'store-delta'));
    this.fullStore = new Store(join(root, 'store-full'));
  }

  async start(users: number, seed: number, opts: { sides?: boolean } = {}): Promise<void> {
    ensureBuilt();
    const synth = join(this.root, 'synth');
    await synthesize({ users, seed, out: synth, at: iso(T0) });
    const s = loadScenario(synth);
    this.graph = new GraphFake(s.entra!.data);
    this.okta = new OktaFake(s.okta!.data);
    this.okta.apiTokens.add('00tok');
    this.tenant = s.entra!.manifest.tenant;
    this.hr = s.hr!.people;
    await this.graph.start();
    await this.okta.start();
    this.changes = new TenantChanges({ graph: this.graph, okta: this.okta, hr: this.hr }, 7, () => iso(this.clock - 10 * 60_000));
    if (opts.sides) this.sides = new SideSources(this.graph, this.tenant, this.changes, 11);
    this.base0 = join(this.root, 'step-00');
    mkdirSync(this.base0, { recursive: true });
    await this.collect(this.base0, this.clock);
    this.base = await loadSnapshot(this.deltaStore, [this.base0]);
    await loadSnapshot(this.fullStore, [this.base0]);
    this.prev = this.base0;
  }

  async stop(): Promise<void> {
    await this.graph?.stop();
    await this.okta?.stop();
  }

  async collect(dir: string, at: number, base?: string): Promise<void> {
    const env = { REVENANT_GRAPH_TOKEN: this.graph.issueToken(), OKTA_CLIENT_TOKEN: '00tok' };
    const delta = base ? ['--delta', '--base', base] : [];
    const [e, o] = await Promise.all([
      runCli(['collect', 'entra', '--tenant', this.tenant, '--graph-url', this.graph.url, '--out', dir, '--collected-at', iso(at), ...delta], { env }),
      runCli(['collect', 'okta', '--org-url', this.okta.url, '--out', dir, '--collected-at', iso(at), ...delta], { env }),
    ]);
    expect(e.code, e.stderr).toBe(0);
    expect(o.code, o.stderr).toBe(0);
    const csv = join(this.root, `roster-${at}.csv`);
    writeFileSync(csv, rosterCsv(this.hr));
    await importRoster({ csv, out: dir, system: 'workday', collectedAt: iso(at) });
    this.sides?.write(dir, iso(at));
    this.roots.set(basename(dir), dir);
  }

  stored(store: Store, id: string): FindingsDoc {
    const db = new SnapshotDb(store.pathOf(id));
    try {
      return readStoredFindings(db);
    } finally {
      db.close();
    }
  }

  /** Step `i`: `perStep` changes (every kind at least once over the chain), then both reads and loads. */
  async step(i: number, perStep = 2): Promise<ChainStep> {
    this.clock = T0 + i * 3_600_000;
    const done: string[] = [];
    const kinds: string[] = [];
    for (let k = 0; k < perStep; k++) {
      // Every kind at least once: walk the list, then pick at random.
      for (let tries = 0; tries < CHANGE_KINDS.length; tries++) {
        const kind = CHANGE_KINDS[(i * perStep + k + tries) % CHANGE_KINDS.length];
        const what = this.changes.apply(kind);
        if (what) {
          done.push(what);
          kinds.push(kind);
          break;
        }
      }
    }
    const sideKinds: string[] = [];
    if (this.sides) {
      for (let tries = 0; tries < SIDE_CHANGE_KINDS.length; tries++) {
        const kind = SIDE_CHANGE_KINDS[(i + tries) % SIDE_CHANGE_KINDS.length];
        const what = this.sides.apply(kind);
        if (what) {
          done.push(what);
          sideKinds.push(kind);
          break;
        }
      }
    }
    const deltaDir = join(this.root, `delta-${String(i).padStart(2, '0')}`);
    const fullDir = join(this.root, `full-${String(i).padStart(2, '0')}`);
    await this.collect(deltaDir, this.clock, this.prev);
    await this.collect(fullDir, this.clock);
    const dm = JSON.parse(readFileSync(join(deltaDir, 'entra', 'manifest.json'), 'utf8')) as Raw;
    expect((dm.delta as Raw).base).toMatchObject({ path: join(this.prev, 'entra') });
    expect((dm.datasets as Record<string, Raw>).users).toMatchObject({ status: 'complete', mode: 'delta', via: 'Graph delta query' });
    const dl = await loadDelta(this.deltaStore, [deltaDir]);
    const fl = await loadSnapshot(this.fullStore, [fullDir]);
    this.prev = deltaDir;
    return { i, done, kinds, sideKinds, deltaDir, fullDir, dl, fl, dd: this.stored(this.deltaStore, dl.id), fd: this.stored(this.fullStore, fl.id) };
  }

  /** A delta-side document and the full one, normalized and compared (empty: identical). */
  compare(delta: FindingsDoc, s: ChainStep): string[] {
    const nd = normalized(delta, this.roots, this.base0);
    const nf = normalized(s.fd, this.roots, s.fullDir);
    return nd === nf ? [] : differences(nd, nf);
  }
}
