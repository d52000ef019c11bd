/**
 * The embedded store: a folder (default `./.revenant/`, or `--store PATH`, or `REVENANT_STORE`)
 * holding one immutable SQLite file per snapshot under `snapshots/`. A load writes
 * `<id>.<pid>.partial`, fsyncs it and renames it to `<id>.sqlite` only when complete: a crash or
 * kill at any point leaves the previous snapshot intact and still the latest. Leftover partial
 * files of dead processes are removed the next time the store is opened. Beside the snapshots,
 * `feed.sqlite` holds the change feed (ChangeFeed.ts), appended when a snapshot is loaded.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { FindingsDoc } from '../../queries/residual.js';
import { ERR, StoreError } from '../model/errors.js';
import { pidAlive } from './pidAlive.js';
import { snapshotStamp } from './snapshotId.js';
import { ChangeFeed, FEED_FILE } from './ChangeFeed.js';
import { SnapshotDb } from './SnapshotDb.js';
import { type DocChange, readStoredFindings } from './storedFindings.js';
import type { SnapshotWriter } from './SnapshotWriter.js';
import type { LoadProgress, LoadSummary } from './writeSnapshot.js';
import type { DeltaSummary } from './delta/writeDelta.js';
import { writeCompacted } from './delta/compact.js';

export interface SnapshotInfo {
  id: string;
  path: string;
  createdAt: string;
  collectedAt: string;
  nodes: number;
  edges: number;
  sources: { source: string; tenant: string; collectedAt: string }[];
  bytes: number;
  /** The snapshot a delta snapshot was written on (absent for a full snapshot). */
  base?: string;
}

function resolveStoreDir(opt?: string): string {
  return resolve(opt ?? process.env.REVENANT_STORE ?? '.revenant');
}

export class Store {
  readonly dir: string;
  readonly snapshotsDir: string;

  constructor(dir?: string) {
    this.dir = resolveStoreDir(dir);
    this.snapshotsDir = join(this.dir, 'snapshots');
  }

  private ensure(): void {
    mkdirSync(this.snapshotsDir, { recursive: true, mode: 0o700 });
    for (const f of readdirSync(this.snapshotsDir)) {
      const m = /\.(\d+)\.partial(?:-journal|-wal|-shm)?$/.exec(f);
      if (m && !pidAlive(Number(m[1]))) rmSync(join(this.snapshotsDir, f), { force: true });
    }
  }

  /** Snapshot ids, oldest first. */
  ids(): string[] {
    if (!existsSync(this.snapshotsDir)) return [];
    return readdirSync(this.snapshotsDir)
      .filter((f) => f.endsWith('.sqlite'))
      .map((f) => f.slice(0, -'.sqlite'.length))
      .sort();
  }

  pathOf(id: string): string {
    return join(this.snapshotsDir, `${id}.sqlite`);
  }

  info(id: string): SnapshotInfo {
    const path = this.pathOf(id);
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      const meta = new Map((db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
      const sources = db.prepare('SELECT source, tenant, collected_at AS collectedAt FROM sources ORDER BY idx').all() as SnapshotInfo['sources'];
      return {
        id,
        path,
        createdAt: meta.get('createdAt') ?? '',
        collectedAt: meta.get('collectedAt') ?? '',
        nodes: Number(meta.get('nodes') ?? 0),
        edges: Number(meta.get('edges') ?? 0),
        sources,
        bytes: statSync(path).size,
        ...(meta.get('base') ? { base: meta.get('base') } : {}),
      };
    } finally {
      db.close();
    }
  }

  list(): SnapshotInfo[] {
    return this.ids().map((id) => this.info(id));
  }

  latestId(): string | undefined {
    return this.ids().at(-1);
  }

  /** Resolve `id` (exact, or a unique prefix) or the latest snapshot when omitted. */
  resolve(id?: string): string {
    const ids = this.ids();
    if (ids.length === 0) {
      throw new StoreError(`no snapshot in ${this.dir} yet: run \`revenant load <collection>\` first (or pass --collection DIR)`, ERR.NO_SNAPSHOT);
    }
    if (!id || id === 'latest') return ids.at(-1)!;
    if (ids.includes(id)) return id;
    const m = ids.filter((x) => x.startsWith(id));
    if (m.length === 1) return m[0];
    if (m.length) throw new StoreError(`snapshot id ${id} is ambiguous (${m.join(', ')})`, ERR.SNAPSHOT_AMBIGUOUS);
    throw new StoreError(`no snapshot ${id} in ${this.dir} (run \`revenant snapshots\`)`, ERR.SNAPSHOT_NOT_FOUND);
  }

  /**
   * Load collections as one new snapshot; returns its id once it is safely in place.
   * `beforePublish` runs on the finished file before it becomes visible (it stores the analysis).
   */
  async load(
    dirs: string[],
    onProgress?: (p: LoadProgress) => void,
    beforePublish?: (path: string, id: string, writer: SnapshotWriter, summary: LoadSummary) => void | Promise<void>,
  ): Promise<{ id: string; summary: LoadSummary }> {
    this.ensure();
    const now = new Date();
    let id = snapshotStamp(now);
    for (let n = 2; existsSync(this.pathOf(id)); n++) id = `${snapshotStamp(now)}-${n}`;
    const partial = join(this.snapshotsDir, `${id}.${process.pid}.partial`);
    // The write path (collections, validation, derivation) loads only when loading: a query never needs it.
    const [{ SnapshotWriter }, { writeSnapshot }] = await Promise.all([import('./SnapshotWriter.js'), import('./writeSnapshot.js')]);
    const writer = new SnapshotWriter(partial);
    let summary: LoadSummary;
    try {
      summary = await writeSnapshot(dirs, writer, onProgress);
      writer.finish({
        id,
        createdAt: now.toISOString(),
        collectedAt: summary.collectedAt,
        collections: JSON.stringify(summary.collections),
      });
      await beforePublish?.(partial, id, writer, summary);
    } catch (e) {
      writer.abort();
      rmSync(partial, { force: true });
      throw e;
    }
    const fd = openSync(partial, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(partial, this.pathOf(id));
    try {
      const dfd = openSync(this.snapshotsDir, 'r');
      fsyncSync(dfd);
      closeSync(dfd);
    } catch {
      // directories cannot be fsynced on every platform
    }
    return { id, summary };
  }

  /**
   * Load collections as a delta snapshot on `baseId` (default: the latest): only what changed is
   * written (delta/writeDelta.ts). `beforePublish` runs on the finished file before it becomes
   * visible (it stores the analysis of what changed). Atomic like `load`.
   */
  async loadDelta(
    dirs: string[],
    baseId: string | undefined,
    onProgress?: (p: LoadProgress) => void,
    beforePublish?: (db: Database.Database, id: string, base: SnapshotDb, summary: DeltaSummary) => void | Promise<void>,
  ): Promise<{ id: string; baseId: string; summary: DeltaSummary }> {
    this.ensure();
    const base = this.resolve(baseId);
    const now = new Date();
    let id = snapshotStamp(now);
    for (let n = 2; existsSync(this.pathOf(id)); n++) id = `${snapshotStamp(now)}-${n}`;
    const partial = join(this.snapshotsDir, `${id}.${process.pid}.partial`);
    const { writeDelta } = await import('./delta/writeDelta.js');
    const baseDb = new SnapshotDb(this.pathOf(base));
    const db = new Database(partial);
    let summary: DeltaSummary;
    try {
      db.pragma('journal_mode = OFF');
      db.pragma('synchronous = OFF');
      db.exec('BEGIN');
      summary = await writeDelta(db, baseDb, base, dirs, { id, createdAt: now.toISOString() }, onProgress);
      db.exec('COMMIT');
      await beforePublish?.(db, id, baseDb, summary);
      db.close();
    } catch (e) {
      if (db.open) {
        if (db.inTransaction) db.exec('ROLLBACK');
        db.close();
      }
      rmSync(partial, { force: true });
      throw e;
    } finally {
      baseDb.close();
    }
    const fd = openSync(partial, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(partial, this.pathOf(id));
    return { id, baseId: base, summary };
  }

  /** The base a snapshot is a delta on (undefined for a full snapshot). */
  baseOf(id: string): string | undefined {
    const db = new Database(this.pathOf(id), { readonly: true, fileMustExist: true });
    try {
      const r = db.prepare("SELECT value FROM meta WHERE key = 'base'").get() as { value: string } | undefined;
      return r?.value;
    } finally {
      db.close();
    }
  }

  /**
   * Fold a delta snapshot (and the chain under it) into a full snapshot with the same id:
   * readers see no difference, and its bases are no longer needed by it. No-op for a full one.
   */
  compact(id: string): boolean {
    if (!this.baseOf(id)) return false;
    const partial = join(this.snapshotsDir, `${id}.${process.pid}.partial`);
    const sdb = new SnapshotDb(this.pathOf(id));
    try {
      writeCompacted(sdb, partial);
    } catch (e) {
      rmSync(partial, { force: true });
      throw e;
    } finally {
      sdb.close();
    }
    const fd = openSync(partial, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(partial, this.pathOf(id));
    return true;
  }

  /** How many deltas a snapshot sits on (0 for a full snapshot). */
  depthOf(id: string): number {
    const db = new Database(this.pathOf(id), { readonly: true, fileMustExist: true });
    try {
      const r = db.prepare("SELECT value FROM meta WHERE key = 'depth'").get() as { value: string } | undefined;
      return r ? Number(r.value) : 0;
    } finally {
      db.close();
    }
  }

  /**
   * Keep the newest `keep` snapshots; returns the ids removed. Pruning never breaks a chain: a
   * kept delta whose base would go is compacted first (it becomes a full snapshot).
   */
  prune(keep: number): string[] {
    const ids = this.ids();
    const drop = ids.slice(0, Math.max(0, ids.length - keep));
    this.remove(drop);
    return drop;
  }

  /**
   * Remove these snapshots (a request still reading one keeps its open file until it is done), and
   * the change feed's history before the oldest snapshot left. Never breaks a chain: a kept delta
   * whose base goes is compacted first, oldest first, while the chain under it is still whole.
   */
  remove(ids: readonly string[]): void {
    const dropped = new Set(ids);
    for (const id of this.ids()) {
      if (dropped.has(id)) continue;
      const base = this.baseOf(id);
      if (base && dropped.has(base)) this.compact(id);
    }
    for (const id of ids) rmSync(this.pathOf(id), { force: true });
    if (ids.length === 0 || !existsSync(join(this.dir, FEED_FILE))) return;
    const feed = ChangeFeed.open(this.dir);
    try {
      feed.retainFrom(this.ids()[0]);
    } finally {
      feed.close();
    }
  }

  /** A snapshot's stored findings document and collection time. */
  readFindings(id: string): { doc: FindingsDoc; at: string } {
    const db = new SnapshotDb(this.pathOf(id));
    try {
      const doc = readStoredFindings(db);
      return { doc, at: db.meta.get('collectedAt') || doc.at };
    } finally {
      db.close();
    }
  }

  /**
   * Bring the change feed up to date with this store's snapshots (each appended once, oldest
   * first); `known` is a snapshot whose findings are already in memory (the one just loaded).
   */
  async syncFeed(known?: { id: string; doc: FindingsDoc; at: string; change?: DocChange }): Promise<string[]> {
    const feed = ChangeFeed.open(this.dir);
    try {
      return await feed.sync(this.ids(), (id) => (known && id === known.id ? known : this.readFindings(id)));
    } finally {
      feed.close();
    }
  }
}
