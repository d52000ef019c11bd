/**
 * Reading a chain of delta snapshots through Overlay: a level answers only the keys and nids it
 * decides and sends every other lookup to its base without a query (its sets of decided keys and
 * nids); every node of the chain reads exactly as the full snapshot of the same collections reads
 * it (row and both adjacency directions); and `invalidate()` forgets the sets — rows added to a
 * level after a lookup are seen once it is called (a stale set would keep answering from the base).
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, test } from 'vitest';
import { synthesize } from '../../ingest/synth/synthesize.js';
import { loadDelta, loadSnapshot } from '../../queries/loadSnapshot.js';
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { Store } from '../../src/store/Store.js';
import { tempDir } from '../collect/helpers.js';
import { type Raw, rewrite } from '../support/collectionEdits.js';

/** A copy of a collection with a few users disabled or suspended and a membership removed. */
function changed(from: string, to: string, step: number): void {
  cpSync(from, to, { recursive: true });
  rewrite(to, 'entra', 'users', (rows: Raw[]) => {
    rows.filter((u) => u.accountEnabled !== false)[step * 2].accountEnabled = false;
    return rows;
  });
  rewrite(to, 'entra', 'groupMembers', (rows: Raw[]) => rows.filter((_, i) => i !== step * 7));
  rewrite(to, 'okta', 'users', (rows: Raw[]) => {
    rows.filter((u) => u.status === 'ACTIVE')[step].status = 'SUSPENDED';
    return rows;
  });
}

describe('Overlay on a chain of deltas', () => {
  const root = tempDir();
  const dirs = [0, 1, 2, 3].map((i) => join(root, `c${i}`));
  const chain = new Store(join(root, 'chain'));
  const full = new Store(join(root, 'full'));
  let top = '';
  let whole = '';

  beforeAll(async () => {
    await synthesize({ users: 200, seed: 5, out: dirs[0] });
    for (let i = 1; i < dirs.length; i++) changed(dirs[i - 1], dirs[i], i);
    await loadSnapshot(chain, [dirs[0]]);
    for (const d of dirs.slice(1)) top = (await loadDelta(chain, [d])).id;
    whole = (await loadSnapshot(full, [dirs.at(-1)!])).id;
  }, 300_000);

  test('every node reads as in the full snapshot of the same collections', () => {
    const d = new SnapshotDb(chain.pathOf(top));
    const f = new SnapshotDb(full.pathOf(whole));
    try {
      expect(d.overlay?.parent.overlay).toBeDefined();
      const rows = [...f.allNodeRows()];
      expect(rows.length).toBeGreaterThan(500);
      for (const r of rows) {
        const got = d.nodeRow(r.key);
        expect(got && { key: got.key, kind: d.kindOf(got.kind), props: got.props }).toEqual({ key: r.key, kind: f.kindOf(r.kind), props: r.props });
        expect(d.nodeRowByNid(got!.nid)?.key).toBe(r.key);
      }
      expect(d.nodeRow('no/such/key')).toBeUndefined();
    } finally {
      d.close();
      f.close();
    }
  });

  test('invalidate() forgets the decided sets: a row added to a level afterwards is seen', () => {
    const d = new SnapshotDb(chain.pathOf(top));
    const w = new Database(chain.pathOf(top));
    try {
      // A base node the top level does not decide: read from below, once (the sets are built).
      const victim = [...d.allNodeRows()].find((r) => !w.prepare('SELECT 1 FROM nodes WHERE nid = ? UNION SELECT 1 FROM node_gone WHERE nid = ?').get(r.nid, r.nid))!;
      expect(d.nodeRow(victim.key)?.nid).toBe(victim.nid);
      expect(d.nodeRowByNid(victim.nid)?.key).toBe(victim.key);
      const edges = d.overlay!.adjRow(victim.nid, 'out').length + d.overlay!.adjRow(victim.nid, 'in').length;
      expect(edges).toBeGreaterThan(0);
      // The top level now says it is gone (as a delta being written would).
      w.prepare('INSERT INTO node_gone(nid, key) VALUES (?, ?)').run(victim.nid, victim.key);
      d.overlay!.invalidate();
      expect(d.nodeRow(victim.key)).toBeUndefined();
      expect(d.nodeRowByNid(victim.nid)).toBeUndefined();
      expect(d.overlay!.adjRow(victim.nid, 'out').length + d.overlay!.adjRow(victim.nid, 'in').length).toBe(0);
    } finally {
      w.close();
      d.close();
    }
  });
});
