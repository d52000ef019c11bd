/**
 * What a departure reads, and deltas that change only that: the edge kinds and keyed node kinds
 * an account's state reads (accountState, with every registered source's own rules) are the ones
 * `departureReads` names — a delta probes the persons of changed accounts by that list, so an
 * edge kind read and not named would be a change no delta sees. And deltas whose only change is
 * a node no person, account or HR record is — a GitHub SCIM identity, the organisation's settings
 * — or only edges a departure reads (a SCIM identity joined to an account) store what a full load of the same collections stores: the document, `pending` and the
 * per-unit instants, on either reader (LazyGraph, and the whole view in compact form).
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadDelta, loadSnapshot } from '../../queries/loadSnapshot.js';
import { accountState, departureReads } from '../../src/analysis/accounts.js';
import { EdgeKind, type NodeKind } from '../../src/model/schema.js';
import type { GraphEdge, GraphNode } from '../../src/model/types.js';
import { ForwardingReader } from '../../src/store/ForwardingReader.js';
import { CompactGraph } from '../../src/store/CompactGraph.js';
import type { GraphReader } from '../../src/store/GraphReader.js';
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { Store } from '../../src/store/Store.js';
import { readPendingUnits } from '../../src/store/storedFindings.js';
import { SOURCES } from '../../ingest/sources.js';
import { synthesize } from '../../ingest/synth/synthesize.js';
import { tempDir } from '../collect/helpers.js';
import { type Raw, rewrite } from '../support/collectionEdits.js';
import { comparableDoc, fullLoadOf, storedDoc } from './storedDoc.js';

const EMU = join(import.meta.dirname, '..', 'scenarios', 'github-emu');

/** Records the edges (direction, kind) read, and the nodes read that no edge read led to. */
class ReadsRecorder extends ForwardingReader {
  readonly edges = new Set<string>();
  readonly reached = new Set<string>();
  readonly keyed = new Map<string, NodeKind>();

  constructor(inner: GraphReader) {
    super(inner);
  }
  override node(key: string): GraphNode | undefined {
    const n = this.inner.node(key);
    if (n && !this.reached.has(key)) this.keyed.set(key, n.kind);
    return n;
  }
  override out(key: string, kind: EdgeKind): readonly GraphEdge[] {
    this.edges.add(`out:${kind}`);
    const es = this.inner.out(key, kind);
    for (const e of es) this.reached.add(e.to);
    return es;
  }
  override in(key: string, kind: EdgeKind): readonly GraphEdge[] {
    this.edges.add(`in:${kind}`);
    const es = this.inner.in(key, kind);
    for (const e of es) this.reached.add(e.from);
    return es;
  }
}

/** The per-unit instants a snapshot stores (merged over its chain). */
function pendingUnitsOf(store: Store, id: string): [string, number][] {
  const db = new SnapshotDb(store.pathOf(id));
  try {
    return [...(readPendingUnits(db) ?? new Map<string, number>())].sort((x, y) => (x[0] < y[0] ? -1 : 1));
  } finally {
    db.close();
  }
}

describe('what a departure reads', () => {
  const root = tempDir();

  test('every edge an account state reads is of a kind departureReads names; every other node it reads by key, of a kind it names', async () => {
    const syn = join(root, 'syn');
    await synthesize({ users: 200, seed: 7, out: syn, githubMembers: 40 });
    const reads = departureReads();
    const named = new Set(reads.edges.map((e) => `${e.dir}:${e.kind}`));
    const keyedKinds = new Set<string>(reads.keyed.keys());
    const seenEdges = new Set<string>();
    const seenKeyed = new Set<string>();
    for (const dir of [syn, EMU]) {
      const store = new Store(join(root, `reads-${seenEdges.size}-${dir === EMU ? 'emu' : 'syn'}`));
      const r = await loadSnapshot(store, [dir]);
      const db = new SnapshotDb(store.pathOf(r.id));
      try {
        const g = new CompactGraph(db, r.id);
        const at = Date.parse(g.collectedAt);
        for (const kind of SOURCES.accountKinds()) {
          for (const n of g.nodesOfKind(kind)) {
            const t = new ReadsRecorder(g);
            // The account itself is read by key: reached.
            t.reached.add(n.key);
            accountState(t, n, at, false);
            for (const e of t.edges) seenEdges.add(e);
            for (const [k, kk] of t.keyed) if (k !== n.key) seenKeyed.add(kk);
          }
        }
      } finally {
        db.close();
      }
    }
    // The fixtures exercise the reads (HR through the person, GitHub's borrowed departure and SCIM identities, Entra's audit events).
    expect(seenEdges).toContain(`out:${EdgeKind.BELONGS_TO}`);
    expect(seenEdges).toContain(`out:${EdgeKind.SAME_PERSON}`);
    expect(seenEdges.size).toBeGreaterThan(4);
    for (const e of seenEdges) expect(named, `departure reads ${e}`).toContain(e);
    for (const k of seenKeyed) expect(keyedKinds, `departure reads a ${k} node by key`).toContain(k);
  }, 300_000);

  /** A delta on `base` of `next` (same instant) against a full load of `next`: document, pending and per-unit instants. */
  async function deltaMatchesFull(name: string, base: string, next: string, compactAt?: number): Promise<void> {
    const store = new Store(join(root, `${name}-delta`));
    const s1 = await loadSnapshot(store, [base]);
    const d = await loadDelta(store, [next], s1.id, undefined, { compactAt });
    const full = await fullLoadOf(next, join(root, `${name}-full`));
    expect(d.departed, 'departed subjects').toBe(full.departed);
    expect(comparableDoc(storedDoc(store, d.id))).toBe(full.doc);
    const db = new SnapshotDb(store.pathOf(d.id));
    const fullStore = new Store(join(root, `${name}-full`));
    try {
      expect(db.meta.get('collectedAt')).toBeDefined();
      const { readPending } = await import('../../src/store/storedFindings.js');
      expect(readPending(db)).toBe(full.pending);
    } finally {
      db.close();
    }
    expect(pendingUnitsOf(store, d.id)).toEqual(pendingUnitsOf(fullStore, fullStore.ids().at(-1)!));
  }

  test.each([undefined, 0])('a delta whose only change is a GitHub SCIM identity (compactAt %s) stores what a full load stores', async (compactAt) => {
    const next = join(root, `scim-${compactAt}`);
    cpSync(EMU, next, { recursive: true });
    // Liam's SCIM identity suspended: his EMU account departs; nothing else of his changes.
    rewrite(next, 'github', 'scimIdentities', (rows: Raw[]) => rows.map((r) => (r.userName === 'liam@acme.example' ? { ...r, active: false } : r)));
    await deltaMatchesFull(`scim-${compactAt}`, EMU, next, compactAt);
  }, 300_000);

  test.each([undefined, 0])('a delta that changes only edges a departure reads (compactAt %s) stores what a full load stores', async (compactAt) => {
    // The base: Liam's SCIM identity suspended, but a second identity with his login's stem joins neither to his account.
    const base = join(root, `edges-base-${compactAt}`);
    cpSync(EMU, base, { recursive: true });
    rewrite(base, 'github', 'scimIdentities', (rows: Raw[]) => [
      ...rows.map((r) => (r.userName === 'liam@acme.example' ? { ...r, active: false } : r)),
      { id: '0b3c7a52-2f4e-4d7e-9a5b-0c1d2e3f4a5b', externalId: null, userName: 'liam@elsewhere.example', active: true, displayName: 'Liam E' },
    ]);
    // The delta removes the second identity: Liam's account is joined to his (an edge of his account, no row of his changes) and departs.
    const next = join(root, `edges-next-${compactAt}`);
    cpSync(base, next, { recursive: true });
    rewrite(next, 'github', 'scimIdentities', (rows: Raw[]) => rows.filter((r) => r.userName !== 'liam@elsewhere.example'));
    await deltaMatchesFull(`edges-${compactAt}`, base, next, compactAt);
  }, 300_000);

  test.each([undefined, 0])('a delta whose only change is the organisation settings (compactAt %s) stores what a full load stores', async (compactAt) => {
    // The base: the same organisation without EMU (no SCIM identity joined, nobody suspended); the delta turns EMU on.
    const base = join(root, `settings-base-${compactAt}`);
    cpSync(EMU, base, { recursive: true });
    rewrite(base, 'github', 'settings', (rows: Raw[]) => rows.map((r) => ({ ...r, emu: false, samlEnforcement: 'none', enforcementSource: 'operator' })));
    await deltaMatchesFull(`settings-on-${compactAt}`, base, EMU, compactAt);
    // And back: EMU off.
    await deltaMatchesFull(`settings-off-${compactAt}`, EMU, base, compactAt);
  }, 300_000);
});
