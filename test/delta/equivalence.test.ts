/**
 * Delta equivalence: on a synthetic tenant served by the Graph and Okta fakes, a chain of
 * generated changes (joiners, leavers, disables, re-enables, credentials added and removed,
 * owners, memberships, role and app role assignments, consents, Okta suspensions and
 * deactivations, assignments and admin roles, HR terminations) is read two ways at every step —
 * `collect --delta` on the previous step's collection and a delta load on the previous snapshot,
 * and a full collection and a full load — and the stored findings documents are identical: byte
 * for byte once each evidence reference (`file:line`, which names the collection a line was read
 * from) is replaced by the line it names, and the snapshot id put aside. Reading the delta
 * snapshot (a sweep, and one subject at a time) gives the same answer as its stored document.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { synthesize } from '../../ingest/synth/synthesize.js';
import { importRoster } from '../../ingest/hr/importRoster.js';
import { loadDelta, loadSnapshot } from '../../queries/loadSnapshot.js';
import { runResidual, type FindingsDoc } from '../../queries/residual.js';
import { CompactGraph } from '../../src/store/CompactGraph.js';
import { LazyGraph } from '../../src/store/LazyGraph.js';
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { Store } from '../../src/store/Store.js';
import { readStoredFindings } from '../../src/store/storedFindings.js';
import { GraphFake } from '../fakes/GraphFake.js';
import { OktaFake } from '../fakes/OktaFake.js';
import { loadScenario, rosterCsv } from '../fakes/scenarioTenants.js';
import { ensureBuilt, runCli, tempDir } from '../collect/helpers.js';
import { CHANGE_KINDS, TenantChanges } from '../support/tenantChanges.js';

type Raw = Record<string, unknown>;

const STEPS = 22;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const iso = (t: number) => new Date(t).toISOString();

/** Sorted keys, for comparing records whatever order their fields were written in. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v as Raw).sort().map((k) => [k, canonical((v as Raw)[k])]));
  return v;
}

/** Where two normalized documents differ (the first few differences), for a readable failure. */
function differences(a: string, b: string): string[] {
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
function normalized(doc: FindingsDoc, roots: Map<string, string>, defaultRoot: string): string {
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

describe('delta collection and delta load equal full collection and full load, step by step', () => {
  const root = tempDir();
  let graph: GraphFake;
  let okta: OktaFake;
  let tenant: string;
  let hr: Raw[];
  let changes: TenantChanges;
  const deltaStore = new Store(join(root, 'store-delta'));
  const fullStore = new Store(join(root, 'store-full'));
  const roots = new Map<string, string>();
  let clock = T0;

  beforeAll(async () => {
    ensureBuilt();
    const synth = join(root, 'synth');
    await synthesize({ users: 300, seed: 12, out: synth, at: iso(T0) });
    const s = loadScenario(synth);
    graph = new GraphFake(s.entra!.data);
    okta = new OktaFake(s.okta!.data);
    okta.apiTokens.add('00tok');
    tenant = s.entra!.manifest.tenant;
    hr = s.hr!.people;
    await graph.start();
    await okta.start();
    changes = new TenantChanges({ graph, okta, hr }, 7, () => iso(clock - 10 * 60_000));
  }, 300_000);

  afterAll(async () => {
    await graph?.stop();
    await okta?.stop();
  });

  const collect = async (dir: string, at: number, base?: string) => {
    const env = { REVENANT_GRAPH_TOKEN: graph.issueToken(), OKTA_CLIENT_TOKEN: '00tok' };
    const delta = base ? ['--delta', '--base', base] : [];
    const [e, o] = await Promise.all([
      runCli(['collect', 'entra', '--tenant', tenant, '--graph-url', graph.url, '--out', dir, '--collected-at', iso(at), ...delta], { env }),
      runCli(['collect', 'okta', '--org-url', okta.url, '--out', dir, '--collected-at', iso(at), ...delta], { env }),
    ]);
    expect(e.code, e.stderr).toBe(0);
    expect(o.code, o.stderr).toBe(0);
    const csv = join(root, `roster-${at}.csv`);
    writeFileSync(csv, rosterCsv(hr));
    await importRoster({ csv, out: dir, system: 'workday', collectedAt: iso(at) });
    roots.set(basename(dir), dir);
  };

  const stored = (store: Store, id: string): FindingsDoc => {
    const db = new SnapshotDb(store.pathOf(id));
    try {
      return readStoredFindings(db);
    } finally {
      db.close();
    }
  };

  test(`a chain of ${STEPS} steps of generated changes`, async () => {
    const base0 = join(root, 'step-00');
    mkdirSync(base0, { recursive: true });
    await collect(base0, clock);
    const b = await loadSnapshot(deltaStore, [base0]);
    await loadSnapshot(fullStore, [base0]);
    let prev = base0;
    const seen = new Set<string>();
    let reanalysed = 0;
    let units = 0;
    for (let i = 1; i <= STEPS; i++) {
      clock = T0 + i * 3_600_000;
      const done: string[] = [];
      for (let k = 0; k < 2; k++) {
        // Every kind at least once: walk the list, then pick at random.
        for (let tries = 0; tries < CHANGE_KINDS.length; tries++) {
          const kind = CHANGE_KINDS[(i * 2 + k + tries) % CHANGE_KINDS.length];
          const what = changes.apply(kind);
          if (what) {
            done.push(what);
            seen.add(kind);
            break;
          }
        }
      }
      const d = join(root, `delta-${String(i).padStart(2, '0')}`);
      const f = join(root, `full-${String(i).padStart(2, '0')}`);
      await collect(d, clock, prev);
      await collect(f, clock);
      const dm = JSON.parse(readFileSync(join(d, 'entra', 'manifest.json'), 'utf8')) as Raw;
      expect((dm.delta as Raw).base).toMatchObject({ path: join(prev, 'entra') });
      expect((dm.datasets as Record<string, Raw>).users).toMatchObject({ status: 'complete', mode: 'delta', via: 'Graph delta query' });
      const dl = await loadDelta(deltaStore, [d]);
      const fl = await loadSnapshot(fullStore, [f]);
      reanalysed += dl.reanalysed;
      units += dl.units;
      const dd = stored(deltaStore, dl.id);
      const fd = stored(fullStore, fl.id);
      const nd = normalized(dd, roots, base0);
      const nf = normalized(fd, roots, f);
      expect(nd === nf ? [] : differences(nd, nf), `step ${i}: ${done.join('; ')}`).toEqual([]);
      // Reading the delta snapshot: a sweep and single subjects give what it stored.
      const db = new SnapshotDb(deltaStore.pathOf(dl.id));
      try {
        expect(JSON.stringify(runResidual(new CompactGraph(db, dl.id), { all: true }))).toBe(JSON.stringify(dd));
        for (const subj of dd.subjects.filter((x) => x.departed).slice(0, 3)) {
          const one = runResidual(new LazyGraph(db, dl.id), { subjects: [`${subj.source}:${subj.id}`] });
          expect(one.findings.map((x) => x.id).sort()).toEqual(dd.findings.filter((x) => x.subject.id === subj.id && x.subject.source === subj.source).map((x) => x.id).sort());
        }
      } finally {
        db.close();
      }
      prev = d;
    }
    expect([...seen].sort()).toEqual([...CHANGE_KINDS].sort());
    // Only what changed was analysed again.
    expect(reanalysed).toBeLessThan(units / 4);
    expect(b.departed).toBeGreaterThan(0);
  }, 1_800_000);
});
