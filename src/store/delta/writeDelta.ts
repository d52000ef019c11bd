/**
 * Writes a delta snapshot: the collections of the new snapshot, compared with the base snapshot
 * line by line through its record index, become the lines removed, replaced and added; their
 * facts are taken out and put in (applyRecords.ts), the derived facts and persons recomputed
 * where they can have changed (deriveDelta.ts, derivePersons.ts), and only what changed is
 * written (deltaSchema.ts). A source folder that is a delta collection on the very folder the
 * base snapshot read for that source contributes its own lines (changed objects, and `@removed`
 * tombstones) and nothing is read of the base; any other folder is compared with the base in full
 * (a dataset read in full by a delta collection too): only lines whose key is new, whose text
 * changed or that disappeared count. A source the base has and the new collections do not is
 * removed; a source folder the base read as is (same path and manifest) costs nothing.
 */
import { createHash } from 'node:crypto';
import { basename, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { type Collection, type DatasetFile, type SourceFolder, datasetFiles, isDeltaFolder, readDataset, unknownFiles } from '../../../ingest/collection/openCollection.js';
import type { DatasetLedger, Manifest } from '../../../ingest/collection/manifest.js';
import { indexSpec, isTombstone, recordSpec } from '../../../ingest/collection/records.js';
import { SubjectCover, refreshedHistory, subjectAccounts, subjectLedger, subjectName } from '../../../ingest/collection/subjectCover.js';
import type { JsonlStats } from '../../../ingest/collection/readJsonl.js';
import { ERR, InputError, StoreError } from '../../model/errors.js';
import { parseNodeKey } from '../../model/ids.js';
import type { SourceKind } from '../../model/schema.js';
import { REC, R_EID, R_KIND } from '../Adjacency.js';
import { RecordChain } from '../records/RecordChain.js';
import { CREATE_RECORD_TABLES, HashPairMap, type RecordFileBuilder, type RecordRef, contentHash, hashOpt, hkey, textContentHash, writeGone } from '../records/RecordIndex.js';
import type { SnapshotDb } from '../SnapshotDb.js';
import { nodeNames } from '../SnapshotWriter.js';
import { CREATE_TABLES, SNAPSHOT_SCHEMA_VERSION } from '../snapshotSchema.js';
import { type LoadProgress, openCollections } from '../writeSnapshot.js';
import { SOURCES } from '../../../ingest/sources.js';
import { RecordFileBuilder as Builder } from '../records/RecordIndex.js';
import { RecordApplier } from './applyRecords.js';
import { DeltaGraph, kindCode } from './DeltaGraph.js';
import { checkKinds, writeKinds } from '../kindCodes.js';
import { CREATE_DELTA_INDEXES, CREATE_DELTA_TABLES, DELTA_KIND, IN, OUT } from './deltaSchema.js';
import { deriveDelta } from './deriveDelta.js';
import { derivePersons } from './derivePersons.js';
import { deriveSourceEdges } from './deriveSources.js';
import { phaseTimer } from '../phaseTimer.js';

export interface DeltaSummary {
  collections: string[];
  sources: { sourceKey: string; source: SourceKind; tenant: string; folder: string; collectedAt: string }[];
  nodes: number;
  edges: number;
  /** Lines read from the new collections. */
  objects: number;
  /** Lines that changed the graph: added or replaced, and removed. */
  upserts: number;
  removals: number;
  persons: number;
  correlationLinks: number;
  warnings: string[];
  collectedAt: string;
  /** Node numbers whose row or edges changed. */
  changedNodes: Set<number>;
  /** What changed, as dependency codes (deps.ts). */
  changedDeps: Set<number>;
  changedKinds: Set<string>;
  /** Per source: how it was read (`delta`: its own lines; `diff`: compared with the base; `same`: unchanged; `removed`). */
  modes: Record<string, string>;
}

interface Upsert {
  line: number;
  value: Record<string, unknown>;
  /** Its key's and content's hashes (as the record index has them). */
  key: [number, number];
  content: [number, number];
}

interface DatasetChange {
  src: SourceFolder;
  dataset: string;
  df: DatasetFile;
  file: number;
  upserts: Upsert[];
  /** Current records replaced or removed. */
  replaced: RecordRef[];
  removedKeys: [number, number][];
  /** Lines with a key the base did not have. */
  inserted: number;
  stats?: JsonlStats;
}

const STATUS_RANK = { complete: 0, partial: 1, missing: 2 } as const;

/** Write the delta of `dirs` over `base` into the (empty, writable) database `db`. */
export async function writeDelta(
  db: Database.Database,
  base: SnapshotDb,
  baseId: string,
  dirs: string[],
  meta: { id: string; createdAt: string },
  onProgress?: (p: LoadProgress) => void,
): Promise<DeltaSummary> {
  // The delta shares its base's node numbers and adjacency records: their kind codes must be these.
  checkKinds(base.db.prepare('SELECT code, name FROM kinds').all() as { code: number; name: string }[], baseId);
  // The write phase's parts (REVENANT_TIMING: `timing: delta write: <part> <s> s (<s> s CPU)`: a contended machine's wall hides the work).
  const t = phaseTimer();
  let cpu = process.cpuUsage();
  const part = (what: string) => {
    const used = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    t(`delta write: ${what} (${((used.user + used.system) / 1e6).toFixed(2)} s CPU)`);
  };
  const cols = openCollections(dirs);
  const prefixed = true;
  const chain = new RecordChain(base);
  const baseSources = base.sources();
  const baseManifests = new Map(
    (base.db.prepare('SELECT source_key, path, manifest FROM sources').all() as { source_key: string; path: string; manifest: string }[]).map((r) => [r.source_key, r]),
  );
  const g = new DeltaGraph(base);
  const applier = new RecordApplier(g);
  db.exec(CREATE_TABLES);
  db.exec(CREATE_DELTA_TABLES);
  db.exec(CREATE_RECORD_TABLES);
  db.exec(CREATE_DELTA_INDEXES);
  let nextFile = Math.max(0, ...base.fileNames().keys()) + 1;
  const fileRows: { idx: number; sourceIdx: number; name: string; stats: JsonlStats }[] = [];
  const builders: RecordFileBuilder[] = [];
  const gone = new Map<string, { sk: string; dataset: string; keys: [number, number][] }>();
  const warnings: string[] = [];
  const modes: Record<string, string> = {};
  const changes: DatasetChange[] = [];
  const newSources: { src: SourceFolder; manifest: Manifest; idx: number }[] = [];
  let objects = 0;
  /** Per dataset compared: how it was read, its lines and CPU seconds (REVENANT_TIMING). */
  const readCpu: string[] = [];
  const objectsSeen = (n: number) => (objects += n);

  const seen = new Set<string>();
  let sourceIdx = 0;
  for (const col of cols) {
    for (const src of col.sources) {
      if (prefixed) src.name = `${basename(col.root)}/${src.folder}`;
      seen.add(src.sourceKey);
      sourceIdx++;
      const prev = baseManifests.get(src.sourceKey);
      const deltaOn = (src.manifest as { delta?: { base?: { path?: string } } }).delta?.base?.path;
      let mode: 'delta' | 'diff' | 'same' | 'subject';
      const subjectScope = (src.manifest.scope as { kind?: string } | undefined)?.kind === 'subject';
      if (prev && resolve(prev.path) === resolve(src.path) && readFromSha(prev.manifest) === sha(JSON.stringify(src.manifest))) mode = 'same';
      else if (subjectScope && prev) mode = 'subject';
      else if (isDeltaFolder(src) && prev && deltaOn && resolve(deltaOn) === resolve(prev.path)) mode = 'delta';
      else if (isDeltaFolder(src)) {
        throw new InputError(
          `${src.name}/manifest.json: a delta collection on ${deltaOn ?? '?'}, but the base snapshot ${baseId} read ${prev ? prev.path : `no ${src.sourceKey}`}: load it on the snapshot of its base collection`,
          { file: `${src.name}/manifest.json`, field: 'delta.base' },
        );
      } else mode = 'diff';
      modes[src.sourceKey] = mode;
      const manifest =
        mode === 'delta'
          ? { ...effectiveManifest(JSON.parse(prev!.manifest) as Manifest, src.manifest), readFrom: { path: src.path, manifestSha256: sha(JSON.stringify(src.manifest)) } }
          : mode === 'subject'
            ? // The tenant folder is still what the source was read from; the refresh is on top of it.
              { ...subjectManifest(JSON.parse(prev!.manifest) as Manifest, src.manifest, src.path), readFrom: { path: prev!.path, manifestSha256: readFromSha(prev!.manifest) } }
            : mode === 'same'
              ? // Read again as it was: the base's manifest is the source's as the chain holds it (after
                // per-subject refreshes, with their ledger and instant), not the folder's as collected.
                (JSON.parse(prev!.manifest) as Manifest)
              : src.manifest;
      newSources.push({ src, manifest, idx: sourceIdx });
      if (mode === 'same') continue;
      if (mode === 'subject') {
        for (const c of await subjectChanges(src, chain, nextFile, (n) => (nextFile = n), objectsSeen)) {
          changes.push(c);
          fileRows.push({ idx: c.file, sourceIdx, name: c.df.file, stats: c.stats! });
        }
        continue;
      }
      for (const f of unknownFiles(src)) warnings.push(`${f}: not a dataset of the ${src.source} format; not read`);
      const mFile = nextFile++;
      fileRows.push({ idx: mFile, sourceIdx, name: `${src.name}/manifest.json`, stats: { objects: 1, bytes: Buffer.byteLength(src.manifestText), sha256: sha(src.manifestText) } });
      const files = new Map(datasetFiles(src).map((df) => [df.dataset, df]));
      for (const [dataset] of SOURCES.of(src.source).load) {
        const df = files.get(dataset)!;
        const spec = indexSpec(src.source, dataset);
        const ledger = df.ledger;
        const deltaLines = mode === 'delta' && (ledger as { mode?: string }).mode === 'delta';
        // A dataset the new collection could not read keeps the base's lines (its ledger says it is not complete).
        if (ledger.status === 'missing' && (mode === 'delta' || !prev)) continue;
        const file = nextFile++;
        const datasetCpu = process.cpuUsage();
        // A dataset re-read in full, but not completely, removes nothing: what it did not read is unknown.
        const removesUnread = !(mode === 'delta' && ledger.status !== 'complete');
        const currentLines = (): HashPairMap<RecordRef> | undefined => {
          if (deltaLines) return undefined;
          const m = new HashPairMap<RecordRef>();
          for (const r of chain.all(src.sourceKey, dataset)) m.set(r.key, r);
          return m;
        };
        let current = currentLines();
        // A base written before lines without a declared identity were indexed has none of them: it cannot be compared.
        if (current && !current.size && !recordSpec(src.source, dataset) && prev && ((JSON.parse(prev.manifest) as Manifest).datasets[dataset]?.count ?? 0) > 0) {
          throw new StoreError(`snapshot ${baseId} does not index the lines of ${src.sourceKey} ${dataset}: load the collections in full once`, ERR.SNAPSHOT_UNREADABLE);
        }
        // A dataset read in full: a line whose text hashes to a current line's content is that
        // line, unchanged (most of them: HR is re-read whole every day); the reader skips it
        // unparsed. Should a line the reader did parse share its key with a line skipped so far
        // (a key twice in the file), the order of the two matters: the dataset is read again
        // without skipping, line by line as below.
        let change: DatasetChange;
        let stats: JsonlStats;
        let lines = 0;
        for (let precheck = current !== undefined; ; precheck = false) {
          change = { src, dataset, df, file, upserts: [], replaced: [], removedKeys: [], inserted: 0 };
          stats = { objects: 0, bytes: 0, sha256: '' };
          lines = 0;
          const cur = current;
          const byContent = precheck && cur ? new HashPairMap<RecordRef>() : undefined;
          if (byContent) for (const r of cur!.values()) byContent.set(r.content, r);
          const skipped = new HashPairMap<true>();
          const skip =
            byContent &&
            ((text: string): boolean => {
              const h = textContentHash(text);
              const r = h && byContent.get(h);
              if (!r) return false;
              byContent.delete(h);
              cur!.delete(r.key);
              skipped.set(r.key, true);
              return true;
            });
          let clash = false;
          for await (const { line, value, text } of readDataset(df, stats, skip)) {
            if ((++lines & 0x3fff) === 0) onProgress?.({ file: df.file, lines, expected: ledger.count ?? null, done: false });
            const key = hashOpt(spec.key(value));
            if (deltaLines && isTombstone(value)) {
              const r = chain.find(src.sourceKey, dataset, key);
              if (r) {
                change.replaced.push(r);
                change.removedKeys.push(key);
              }
              continue;
            }
            if (skipped.has(key)) {
              clash = true;
              break;
            }
            const r = cur ? cur.get(key) : chain.find(src.sourceKey, dataset, key);
            if (cur && r) {
              cur.delete(key);
              if (byContent?.get(r.content) === r) byContent.delete(r.content);
            }
            const content = contentHash(text, value);
            if (r && r.content[0] === content[0] && r.content[1] === content[1]) continue;
            if (r) change.replaced.push(r);
            else change.inserted++;
            change.upserts.push({ line, value, key, content });
          }
          if (!clash) break;
          current = currentLines();
        }
        objects += stats.objects;
        const used = process.cpuUsage(datasetCpu);
        if (stats.objects) readCpu.push(`${src.source} ${dataset} ${mode} ${stats.objects} lines ${((used.user + used.system) / 1e6).toFixed(2)}`);
        onProgress?.({ file: df.file, lines: stats.objects, expected: ledger.count ?? null, done: true });
        if (current && removesUnread) {
          for (const r of current.values()) {
            change.replaced.push(r);
            change.removedKeys.push(r.key);
          }
        }
        if (change.upserts.length || change.replaced.length) {
          changes.push(change);
          fileRows.push({ idx: change.file, sourceIdx, name: df.file, stats });
        }
      }
    }
  }
  // A delta collection's counts are its own lines: the ledger counts the dataset's lines now.
  for (const ns of newSources) {
    if (modes[ns.src.sourceKey] !== 'delta') continue;
    const prevLedger = (JSON.parse(baseManifests.get(ns.src.sourceKey)!.manifest) as Manifest).datasets;
    for (const [name, l] of Object.entries(ns.manifest.datasets)) {
      if ((ns.src.manifest.datasets[name] as { mode?: string } | undefined)?.mode !== 'delta' || l.status === 'missing') continue;
      const c = changes.find((x) => x.src === ns.src && x.dataset === name);
      l.count = Math.max(0, (prevLedger[name]?.count ?? 0) + (c ? c.inserted - c.removedKeys.length : 0));
    }
  }
  // Sources the new collections do not have: every line removed.
  for (const s of baseSources) {
    if (seen.has(s.sourceKey)) continue;
    modes[s.sourceKey] = 'removed';
    for (const [dataset] of SOURCES.of(s.source).load) {
      const rs = [...chain.all(s.sourceKey, dataset)];
      if (rs.length) changes.push({ src: undefined as never, dataset, df: undefined as never, file: -1, upserts: [], replaced: rs, removedKeys: rs.map((r) => r.key), inserted: 0 });
      const k = `${s.sourceKey}\u0000${dataset}`;
      gone.set(k, { sk: s.sourceKey, dataset, keys: rs.map((r) => r.key) });
    }
  }

  // The base's record files this read (their share of the part's CPU), and each dataset's CPU seconds.
  const reads = chain.reads;
  part(`read and compare [record index: ${reads.files} files, ${reads.rows} rows, ${(reads.cpuMicros / 1e6).toFixed(2)} s CPU; datasets: ${readCpu.join(', ')}]`);
  // Out with the old, then in with the new, in load order (objects before relationships).
  applier.removeRecords(changes.flatMap((c) => c.replaced));
  let upserts = 0;
  for (const c of changes) {
    if (!c.src) continue;
    const transform = SOURCES.of(c.src.source).load.find(([d]) => d === c.dataset)![1];
    const spec = indexSpec(c.src.source, c.dataset);
    const b = new Builder(c.file, c.src.sourceKey, c.dataset);
    for (const u of c.upserts) {
      const touched = applier.addRecord(c.src.sourceKey, transform, u.value, c.file, u.line);
      b.add({ key: u.key, content: u.content, owner: hashOpt(spec.owner?.(u.value)), parent: hashOpt(spec.parent?.(u.value)), line: u.line, touched });
      upserts++;
    }
    builders.push(b);
    if (c.removedKeys.length) {
      const k = `${c.src.sourceKey}\u0000${c.dataset}`;
      const e = gone.get(k) ?? gone.set(k, { sk: c.src.sourceKey, dataset: c.dataset, keys: [] }).get(k)!;
      e.keys.push(...c.removedKeys);
    }
  }
  applier.settle();
  part('apply');
  const sources = newSources.map(({ src, manifest }) => ({ source: src.source, tenant: manifest.tenant, sourceKey: src.sourceKey }));
  const sourceKinds = sources.map((x) => x.source);
  // The sources' own derivations first (they read only nodes), then the shared ones and persons, in deriveGraph's order.
  deriveSourceEdges(g, sourceKinds);
  part('source derivations');
  deriveDelta(g, sources);
  part('derived facts');
  const derived = derivePersons(g, sourceKinds, part);
  part('persons');

  // Write what changed.
  const collectedAt = newSources.map((s) => new Date(s.manifest.collectedAt).toISOString()).sort().at(-1)!;
  const baseNodes = Number(base.meta.get('nodes') ?? 0);
  let nodes = baseNodes;
  const insNode = db.prepare('INSERT INTO nodes(nid, key, id, kind, props, file, line) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insGone = db.prepare('INSERT INTO node_gone(nid, key) VALUES (?, ?)');
  const insName = db.prepare('INSERT INTO names(name, nid) VALUES (?, ?)');
  for (const [nid, r] of g.rows) {
    const was = g.inBase(nid);
    if (!r) {
      if (was) {
        insGone.run(nid, g.baseRow(nid)!.key);
        nodes--;
      }
      continue;
    }
    if (!was) nodes++;
    const id = parseNodeKey(r.key).id;
    insNode.run(nid, r.key, id, kindCode(r.kind), JSON.stringify(r.props), r.file < 0 ? null : r.file, r.line < 0 ? null : r.line);
    for (const n of nodeNames(r.kind, id, r.props, r.props.stub === true)) insName.run(n, nid);
  }
  const insAdj = db.prepare('INSERT INTO adj_rows(nid, dir, data) VALUES (?, ?, ?)');
  for (const [nid, [o, i]] of g.adj) {
    if (o) insAdj.run(nid, OUT, sortedRecs(o));
    if (i) insAdj.run(nid, IN, sortedRecs(i));
  }
  const insProps = db.prepare('INSERT INTO edge_props(eid, props) VALUES (?, ?)');
  for (const [eid, p] of g.edgeProps) insProps.run(eid, p);
  writeKinds(db);
  const insSource = db.prepare('INSERT INTO sources(idx, source, tenant, source_key, folder, path, collected_at, manifest) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  for (const { src, manifest, idx } of newSources) {
    const keep = modes[src.sourceKey] === 'same' ? baseManifests.get(src.sourceKey)! : undefined;
    // A per-subject refresh keeps the tenant collection's folder as the source's (what a delta collection extends).
    const path = keep ? keep.path : modes[src.sourceKey] === 'subject' ? baseManifests.get(src.sourceKey)!.path : src.path;
    insSource.run(idx, src.source, manifest.tenant, src.sourceKey, src.folder, path, manifest.collectedAt, keep ? keep.manifest : JSON.stringify(manifest));
  }
  const insFile = db.prepare('INSERT INTO files(idx, source_idx, name, objects, bytes, sha256) VALUES (?, ?, ?, ?, ?, ?)');
  for (const f of fileRows) insFile.run(f.idx, f.sourceIdx, f.name, f.stats.objects, f.stats.bytes, f.stats.sha256);
  for (const b of builders) if (b.n) b.write(db);
  for (const e of gone.values()) if (e.keys.length) writeGone(db, e.sk, e.dataset, e.keys);
  const edges = Number(base.meta.get('edges') ?? 0) + g.edgesAdded - g.edgesRemoved;
  const depth = Number(base.meta.get('depth') ?? 0) + 1;
  const m = db.prepare('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)');
  const all: Record<string, string> = {
    id: meta.id,
    createdAt: meta.createdAt,
    collectedAt,
    collections: JSON.stringify(cols.map((c) => c.root)),
    schemaVersion: String(SNAPSHOT_SCHEMA_VERSION),
    kind: DELTA_KIND,
    base: baseId,
    depth: String(depth),
    nodes: String(nodes),
    edges: String(edges),
    adjacencyNodes: String(g.nextNid),
    eidNext: String(g.nextEid),
  };
  for (const [k, v] of Object.entries(all)) m.run(k, v);
  part('write rows');
  const summary: DeltaSummary = {
    collections: cols.map((c) => c.root),
    sources: newSources.map(({ src, manifest }) => ({ sourceKey: src.sourceKey, source: src.source, tenant: manifest.tenant, folder: src.path, collectedAt: manifest.collectedAt })),
    nodes,
    edges,
    objects,
    upserts,
    removals: [...gone.values()].reduce((n, e) => n + e.keys.length, 0),
    persons: derived.persons,
    correlationLinks: derived.links,
    warnings,
    collectedAt,
    changedNodes: g.changedNodes(),
    changedDeps: g.changedDeps(),
    changedKinds: g.changedKinds(),
    modes,
  };
  part('summary');
  return summary;
}

/**
 * The changes a per-subject collection makes: it is complete for its accounts (scope.accounts),
 * so every line it holds replaces the current line with the same key, and every current line
 * about one of its accounts (or, per dataset, under a parent it read) that it did not read again
 * is gone — the semantics of ingest/collection/records.ts's `covers`. Lines it could not read
 * change nothing.
 */
async function subjectChanges(
  src: SourceFolder,
  chain: RecordChain,
  nextFile: number,
  setNext: (n: number) => void,
  seen: (n: number) => void,
): Promise<DatasetChange[]> {
  const out: DatasetChange[] = [];
  const accounts = subjectAccounts(src.manifest.scope);
  const files = new Map(datasetFiles(src).map((df) => [df.dataset, df]));
  for (const [dataset] of SOURCES.of(src.source).load) {
    const df = files.get(dataset)!;
    const spec = recordSpec(src.source, dataset);
    if (!spec || df.ledger.status === 'missing') continue;
    const change: DatasetChange = { src, dataset, df, file: nextFile++, upserts: [], replaced: [], removedKeys: [], inserted: 0, stats: { objects: 0, bytes: 0, sha256: '' } };
    const fresh = new Set<string>();
    const cover = new SubjectCover(spec, accounts, df.ledger);
    for await (const { line, value, text } of readDataset(df, change.stats)) {
      seen(1);
      const key = hashOpt(spec.key(value));
      fresh.add(hkey(key));
      cover.read(value);
      const r = chain.find(src.sourceKey, dataset, key);
      const content = contentHash(text, value);
      if (r && r.content[0] === content[0] && r.content[1] === content[1]) continue;
      if (r) change.replaced.push(r);
      else change.inserted++;
      change.upserts.push({ line, value, key, content });
    }
    const gone = new Map<string, RecordRef>();
    for (const o of cover.owners) for (const r of chain.byOwner(src.sourceKey, dataset, hashOpt(o), 'owner')) if (!fresh.has(hkey(r.key))) gone.set(hkey(r.key), r);
    for (const p of cover.parents) for (const r of chain.byOwner(src.sourceKey, dataset, hashOpt(p), 'parent')) if (!fresh.has(hkey(r.key))) gone.set(hkey(r.key), r);
    for (const r of gone.values()) {
      change.replaced.push(r);
      change.removedKeys.push(r.key);
    }
    if (change.upserts.length || change.replaced.length) out.push(change);
  }
  setNext(nextFile);
  return out;
}

/**
 * The ledger after a per-subject refresh (subjectCover.ts's `subjectLedger` per dataset, as the
 * folder merge writes it). The refreshes so far are listed (`refreshed`, the last 100), with the
 * folder each was read into.
 */
export function subjectManifest(base: Manifest, subj: Manifest, folder: string): Manifest {
  const datasets: Record<string, DatasetLedger> = { ...base.datasets };
  const subject = subjectName(subj.scope);
  for (const name of new Set([...Object.keys(base.datasets), ...Object.keys(subj.datasets)])) {
    datasets[name] = subjectLedger(name, base.datasets[name], subj.datasets[name], subject).ledger;
  }
  const refreshed = refreshedHistory(base, { subject, accounts: subjectAccounts(subj.scope), at: subj.collectedAt, folder });
  const { scope: _s, ...rest } = base as Manifest & { scope?: unknown };
  return { ...rest, collectedAt: subj.collectedAt, datasets, refreshed };
}

/**
 * An edge-end list as stored: sorted by kind, then edge id. A changed list is mostly the base's
 * (sorted) with ends added at its tail: the sorted prefix is kept as it is, only the rest is
 * sorted, and the two are merged (a large group's list, every day, was sorted whole).
 */
function sortedRecs(list: number[]): Buffer {
  const n = list.length / REC;
  const cmp = (a: number, b: number) => list[a * REC + R_KIND] - list[b * REC + R_KIND] || list[a * REC + R_EID] - list[b * REC + R_EID];
  let sorted = Math.min(1, n);
  while (sorted < n && cmp(sorted - 1, sorted) <= 0) sorted++;
  // Most lists: the base's order with ends removed.
  if (sorted === n) {
    const all = Int32Array.from(list);
    return Buffer.from(all.buffer, all.byteOffset, all.byteLength);
  }
  const tail = Array.from({ length: n - sorted }, (_, i) => sorted + i).sort(cmp);
  const out = new Int32Array(list.length);
  let i = 0;
  let t = 0;
  const put = (o: number, at: number) => {
    for (let j = 0; j < REC; j++) out[at * REC + j] = list[o * REC + j];
  };
  // Merge (a prefix end first on a tie: edge ids are unique, so a tie is the same end).
  for (let at = 0; at < n; at++) {
    if (t >= tail.length || (i < sorted && cmp(i, tail[t]) <= 0)) put(i++, at);
    else put(tail[t++], at);
  }
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * The hash of the folder manifest a stored source was read from: a full load stores the folder's
 * manifest itself; a delta or a per-subject refresh stores what it made of it, and `readFrom`.
 */
function readFromSha(stored: string): string {
  const m = JSON.parse(stored) as { readFrom?: { manifestSha256?: string } };
  return m.readFrom?.manifestSha256 ?? sha(JSON.stringify(m));
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The ledger a delta collection leaves: each dataset it read in full is as it says; each dataset
 * it read as a delta is as complete as both the base's and the delta's reads (the lines it did
 * not re-read are the base's). Top-level fields are the delta's.
 */
export function effectiveManifest(base: Manifest, delta: Manifest): Manifest {
  const datasets: Record<string, DatasetLedger> = {};
  const names = new Set([...Object.keys(base.datasets), ...Object.keys(delta.datasets)]);
  for (const name of names) {
    const b = base.datasets[name];
    const d = delta.datasets[name];
    if (!d) {
      if (b) datasets[name] = b;
      continue;
    }
    if ((d as { mode?: string }).mode !== 'delta' || !b) {
      datasets[name] =
        d.status === 'missing' && b && b.status !== 'missing'
          ? worse(b, d, `${name}: the delta collection could not read it (${d.reason ?? 'missing'}); the base's lines are kept`)
          : d;
      continue;
    }
    datasets[name] = worse(b, d);
  }
  return { ...delta, datasets };
}

function worse(b: DatasetLedger, d: DatasetLedger, why?: string): DatasetLedger {
  const status = STATUS_RANK[b.status] >= STATUS_RANK[d.status] ? b.status : d.status;
  const out: DatasetLedger = { ...d, status: status === 'missing' && b.status !== 'missing' ? 'partial' : status };
  const reasons = [b.status !== 'complete' ? b.reason : undefined, d.status !== 'complete' ? d.reason : undefined, why].filter(Boolean);
  if (reasons.length) out.reason = reasons.join('; ');
  else delete out.reason;
  if (out.status !== 'missing' && out.count === undefined) out.count = b.count ?? 0;
  return out;
}

export type { Collection };
