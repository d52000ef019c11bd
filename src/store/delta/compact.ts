/**
 * Compaction: a delta snapshot (and the chain under it) folded into one full snapshot file with
 * the same id, node numbers, edge ids and file indexes — so deltas written on top of it stay
 * valid — holding exactly what reading the chain gave: node rows, the merged compact adjacency,
 * edge properties, the name index, sources and input files, the record index, the stored
 * analysis, the analysis units and their instants. Written beside the delta and renamed over it
 * only when complete.
 */
import Database from 'better-sqlite3';
import { parseNodeKey } from '../../model/ids.js';
import type { NodeKind } from '../../model/schema.js';
import { writeKinds } from '../kindCodes.js';
import { PARTS, chunksOf } from '../Adjacency.js';
import { RecordChain } from '../records/RecordChain.js';
import { CREATE_RECORD_TABLES, RecordFileBuilder } from '../records/RecordIndex.js';
import { SnapshotDb, type SourceRow } from '../SnapshotDb.js';
import { nodeNames } from '../SnapshotWriter.js';
import { CREATE_INDEXES, CREATE_TABLES, SNAPSHOT_SCHEMA_VERSION } from '../snapshotSchema.js';
import { copyAnalysisKeys, readPendingUnits, readRuleOrder, readStoredFindings, readUnits, writePendingUnits, writeStoredFindings, writeUnits } from '../storedFindings.js';
import { indexSpecs } from '../../../ingest/collection/records.js';

/** Write the full form of the (delta) snapshot `sdb` into the new file `path`. */
export function writeCompacted(sdb: SnapshotDb, path: string): void {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec(CREATE_TABLES);
    db.exec('BEGIN');
    writeKinds(db);
    const insNode = db.prepare('INSERT INTO nodes(nid, key, id, kind, props, file, line) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const insName = db.prepare('INSERT INTO names(name, nid) VALUES (?, ?)');
    let nodes = 0;
    for (const r of sdb.allNodeRows()) {
      const id = parseNodeKey(r.key).id;
      insNode.run(r.nid, r.key, id, r.kind, r.props, r.file, r.line);
      const props = JSON.parse(r.props) as Record<string, unknown>;
      for (const n of nodeNames(sdb.kindOf(r.kind) as NodeKind, id, props, props.stub === true)) insName.run(n, r.nid);
      nodes++;
    }
    const adj = sdb.adjacency();
    const insAdj = db.prepare('INSERT INTO adjacency(name, chunk, data) VALUES (?, ?, ?)');
    for (const part of PARTS) for (const [c, buf] of chunksOf(adj[part])) insAdj.run(part, c, buf);
    // Edge ids are never reused: each level's edge properties are its new edges'.
    const insProps = db.prepare('INSERT OR IGNORE INTO edge_props(eid, props) VALUES (?, ?)');
    for (let s: SnapshotDb | undefined = sdb; s; s = s.overlay?.parent) {
      for (const r of s.db.prepare('SELECT eid, props FROM edge_props').iterate() as Iterable<{ eid: number; props: string }>) insProps.run(r.eid, r.props);
    }
    const insSource = db.prepare('INSERT INTO sources(idx, source, tenant, source_key, folder, path, collected_at, manifest) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    for (const r of sdb.db.prepare('SELECT idx, source, tenant, source_key, folder, path, collected_at, manifest FROM sources ORDER BY idx').all() as (SourceRow & { idx: number })[]) {
      insSource.run(r.idx, r.source, r.tenant, r.source_key, r.folder, r.path, r.collected_at, r.manifest);
    }
    const insFile = db.prepare('INSERT INTO files(idx, source_idx, name, objects, bytes, sha256) VALUES (?, NULL, ?, ?, ?, ?)');
    for (const f of sdb.fileRows()) insFile.run(f.idx, f.name, f.objects, f.bytes, f.sha256);
    // The record index: every current record, under the file it was read from.
    db.exec(CREATE_RECORD_TABLES);
    const chain = new RecordChain(sdb);
    const builders = new Map<number, RecordFileBuilder>();
    for (const s of sdb.sources()) {
      for (const dataset of Object.keys(indexSpecs(s.source))) {
        const rows = [...chain.all(s.sourceKey, dataset)].sort((a, b) => a.file - b.file || a.line - b.line);
        for (const r of rows) {
          let b = builders.get(r.file);
          if (!b) builders.set(r.file, (b = new RecordFileBuilder(r.file, s.sourceKey, dataset)));
          b.add({ key: r.key, content: r.content, owner: r.owner, parent: r.parent, line: r.line, touched: Array.from(r.touched) });
        }
      }
    }
    for (const b of builders.values()) b.write(db);
    const meta = db.prepare('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)');
    const keep = ['id', 'createdAt', 'collectedAt', 'collections'];
    for (const k of keep) if (sdb.meta.has(k)) meta.run(k, sdb.meta.get(k)!);
    meta.run('schemaVersion', String(SNAPSHOT_SCHEMA_VERSION));
    meta.run('nodes', String(nodes));
    meta.run('edges', String(adj.edgeCount));
    meta.run('adjacencyNodes', String(sdb.nidBound()));
    meta.run('eidNext', String(sdb.meta.get('eidNext') ?? sdb.meta.get('edges') ?? '0'));
    meta.run('compactedFrom', String(sdb.meta.get('base') ?? ''));
    db.exec('COMMIT');
    db.exec(CREATE_INDEXES);
    // The analysis: the document (with each finding's order key) and the units.
    const doc = readStoredFindings(sdb);
    const pre = new Map<string, string>();
    for (let s: SnapshotDb | undefined = sdb; s; s = s.overlay?.parent) {
      for (const r of s.db.prepare('SELECT id, pre FROM findings').iterate() as Iterable<{ id: string; pre: string | null }>) if (!pre.has(r.id) && r.pre) pre.set(r.id, r.pre);
    }
    writeStoredFindings(db, doc, readRuleOrder(sdb), pre);
    writeUnits(db, readUnits(sdb).values());
    // The top level's `pending` and writer, as stored: without them a delta on the compacted
    // snapshot would sweep every account, and `residual --all` would sweep instead of reading.
    copyAnalysisKeys(sdb.db, db, ['pending', 'revenant']);
    // The units' own instants as the chain reads them: a delta on the compacted snapshot past some
    // analyses those units, as it would on the chain, instead of sweeping every account.
    const instants = readPendingUnits(sdb);
    if (instants) writePendingUnits(db, instants);
  } finally {
    db.close();
  }
}
