/**
 * Writes a snapshot of the embedded store as the CSV files `neo4j-admin database import full`
 * reads (neo4jImport.ts; the tables themselves are neo4jImportCsv.ts): the same nodes, labels,
 * relationships and properties the online push writes (neo4jPush.ts's `neo4jNodes` /
 * `neo4jEdges`, its findings, and its `:RevenantSnapshot` record with status `loading`). Two
 * parts that share nothing but the snapshot's file: the nodes (with the snapshot record, the
 * findings and their FINDING_SUBJECT / FINDING_VIA relationships) and the graph's relationships.
 * `writeImportCsvParallel` writes the nodes part on a worker thread (importCsvWorker.ts, which
 * opens the snapshot itself) while this thread writes the relationships; `writeImportCsv` writes
 * both on this thread. Both write the same files.
 */
import { existsSync } from 'node:fs';
import { StoreError } from '../model/errors.js';
import type { FindingsDoc } from '../../queries/residual.js';
import { type ColumnType, CsvTable, csvField } from './neo4jImportCsv.js';
import { findingRows, neo4jEdges, neo4jNodes } from './neo4jPush.js';
import { snapshotFileRows, snapshotRecord } from './neo4jRecords.js';
import { sweepFacts } from './neo4jSweepFacts.js';
import { Neo4jLabel, Neo4jRel, type PropValue, nodeLabel, relType } from './neo4jSchema.js';
import { startWorker, workerScriptUrl } from './workerThreads.js';
import { SnapshotDb } from './SnapshotDb.js';
import { hasStoredFindings, readStoredFindings } from './storedFindings.js';

/** What the CSV could not carry exactly, set over Bolt once the database runs. */
export interface ImportFixups {
  nodes: { key: string; p: Record<string, PropValue> }[];
  findings: { id: string; p: Record<string, PropValue> }[];
  edges: Map<string, { a: string; seq: number; p: Record<string, PropValue> }[]>;
  snapshot: Record<string, PropValue> | undefined;
}

/** The nodes part: `--nodes` / `--relationships` values, counts and fixups (no edge fixups). */
export interface ImportNodesPart {
  nodes: string[];
  relationships: string[];
  counts: { nodes: number; findings: number };
  fixups: Omit<ImportFixups, 'edges'>;
}

/** The relationships part. */
export interface ImportEdgesPart {
  relationships: string[];
  edges: number;
  fixups: ImportFixups['edges'];
}

export interface ImportCsv {
  nodes: string[];
  relationships: string[];
  counts: { nodes: number; edges: number; findings: number };
  fixups: ImportFixups;
}

/** Properties of a record without null/undefined values (what `SET x = map` leaves out). */
export function present(record: Record<string, unknown>): Record<string, PropValue> {
  const out: Record<string, PropValue> = {};
  for (const [k, v] of Object.entries(record)) if (v !== null && v !== undefined) out[k] = v as PropValue;
  return out;
}

/** An integer that `String` writes exactly as csvField writes a double (-0 would read back as 0). */
const integral = (x: number): boolean => Number.isSafeInteger(x) && !Object.is(x, -0);

/** The nodes part of snapshot `id` (see the file's comment) into `dir`, file names `nodes-*`, `frel-*`, `findings`, `snapshot`. */
export function writeImportNodes(sdb: SnapshotDb, id: string, storeName: string, dir: string, stored: FindingsDoc | null): ImportNodesPart {
  const fixups: ImportNodesPart['fixups'] = { nodes: [], findings: [], snapshot: undefined };
  const nodeTables = new Map<string, CsvTable>();
  const relTables = new Map<string, CsvTable>();
  const relTable = (type: string) => relTables.get(type) ?? relTables.set(type, new CsvTable(dir, `frel-${relTables.size}`, relType(type), [':START_ID(F)', ':END_ID(N)'])).get(type)!;

  // The snapshot's record, as the push creates it (status loading).
  const record = snapshotRecord(sdb, { id, store: storeName, ephemeral: false, fileRows: snapshotFileRows(sdb), findings: stored?.findings.length ?? 0, now: Date.now(), sweep: sweepFacts(sdb) });
  const snapTable = new CsvTable(dir, 'snapshot', nodeLabel(Neo4jLabel.snapshot), [':ID(S)']);
  fixups.snapshot = snapTable.row([0], present(record));
  if (fixups.snapshot?.id !== undefined) throw new StoreError(`neo4j import: snapshot id ${id} cannot be written as CSV`);

  let nodes = 0;
  for (const n of neo4jNodes(sdb)) {
    const t = nodeTables.get(n.kind) ?? nodeTables.set(n.kind, new CsvTable(dir, `nodes-${nodeTables.size}`, `${Neo4jLabel.node}:${nodeLabel(n.kind)}`, [':ID(N)'])).get(n.kind)!;
    const rest = t.row([n.nid], { snapshot: id, ...n.props });
    if (rest) {
      if (rest.key !== undefined || rest.snapshot !== undefined) throw new StoreError(`neo4j import: node key ${String(n.props.key)} cannot be written as CSV; use \`revenant load --neo4j\``);
      fixups.nodes.push({ key: String(n.props.key), p: rest });
    }
    nodes++;
  }

  let findings = 0;
  if (stored) {
    const findingTable = new CsvTable(dir, 'findings', nodeLabel(Neo4jLabel.finding), [':ID(F)']);
    const nidOf = (key: string | null): number | undefined => (key ? sdb.nodeRow(key)?.nid : undefined);
    for (const [ord, r] of findingRows(sdb, stored, sdb.sources()).entries()) {
      const rest = findingTable.row([ord], { ...present(r.p), snapshot: id });
      if (rest) {
        if (rest.id !== undefined || rest.snapshot !== undefined) throw new StoreError(`neo4j import: finding ${String(r.p.id)} cannot be written as CSV; use \`revenant load --neo4j\``);
        fixups.findings.push({ id: String(r.p.id), p: rest });
      }
      const subject = nidOf(r.subject);
      if (subject !== undefined) relTable(Neo4jRel.findingSubject).row([ord, subject], { snapshot: id });
      const via = nidOf(r.via);
      if (via !== undefined) relTable(Neo4jRel.findingVia).row([ord, via], { snapshot: id });
      findings++;
    }
    nodeTables.set(Neo4jLabel.finding, findingTable);
  }
  nodeTables.set(Neo4jLabel.snapshot, snapTable);
  return {
    nodes: [...nodeTables.values()].map((t) => t.close()),
    relationships: [...relTables.values()].map((t) => t.close()),
    counts: { nodes, findings },
    fixups,
  };
}

/** The graph's relationships of snapshot `id` into `dir`, file names `rel-*`. */
export function writeImportEdges(sdb: SnapshotDb, id: string, dir: string): ImportEdgesPart {
  const fixups: ImportEdgesPart['fixups'] = new Map();
  const relTables = new Map<string, CsvTable>();
  // A relationship without properties of its own (nearly all) is written as one template string:
  // its columns are declared up front (snapshot, seq, file, line) and its values are integers
  // (`String` of an integer is what csvField writes for a double) or absent (an empty field).
  const edgeColumns: [string, ColumnType][] = [
    ['snapshot', 'string'],
    ['seq', 'double'],
    ['file', 'double'],
    ['line', 'double'],
  ];
  const relTable = (type: string) =>
    relTables.get(type) ?? relTables.set(type, new CsvTable(dir, `rel-${relTables.size}`, relType(type), [':START_ID(N)', ':END_ID(N)'], edgeColumns)).get(type)!;
  const snapshotField = csvField(id, 'string');
  if (snapshotField === undefined) throw new StoreError(`neo4j import: snapshot id ${id} cannot be written as CSV`);
  const fileIdx = new Map(snapshotFileRows(sdb).map((f) => [f.name, f.idx]));
  let edges = 0;
  for (const e of neo4jEdges(sdb, fileIdx)) {
    edges++;
    if (!e.p && integral(e.seq) && (e.file === null || integral(e.file)) && (e.line === null || integral(e.line))) {
      relTable(e.kind).raw(`${e.src},${e.dst},${snapshotField},${e.seq},${e.file ?? ''},${e.line ?? ''}\n`);
      continue;
    }
    const props: Record<string, PropValue> = { snapshot: id, ...(e.p ?? { seq: e.seq, ...(e.file !== null ? { file: e.file } : {}), ...(e.line !== null ? { line: e.line } : {}) }) };
    const rest = relTable(e.kind).row([e.src, e.dst], props);
    if (rest) {
      if (rest.seq !== undefined || rest.snapshot !== undefined) throw new StoreError(`neo4j import: edge ${e.seq} cannot be written as CSV; use \`revenant load --neo4j\``);
      const list = fixups.get(e.kind) ?? fixups.set(e.kind, []).get(e.kind)!;
      list.push({ a: sdb.nodeRowByNid(e.src)!.key, seq: e.seq, p: rest });
    }
  }
  return { relationships: [...relTables.values()].map((t) => t.close()), edges, fixups };
}

const join = (n: ImportNodesPart, e: ImportEdgesPart): ImportCsv => ({
  nodes: n.nodes,
  relationships: [...e.relationships, ...n.relationships],
  counts: { nodes: n.counts.nodes, edges: e.edges, findings: n.counts.findings },
  fixups: { ...n.fixups, edges: e.fixups },
});

/** Both parts on this thread: returns the tool's `--nodes` / `--relationships` values, the counts, and the fixups. */
export function writeImportCsv(sdb: SnapshotDb, id: string, storeName: string, dir: string, stored: FindingsDoc | null): ImportCsv {
  return join(writeImportNodes(sdb, id, storeName, dir, stored), writeImportEdges(sdb, id, dir));
}

/** What the main thread sends the worker (importCsvWorker.ts). */
export interface ImportCsvJob {
  file: string;
  id: string;
  storeName: string;
  dir: string;
}

/**
 * The worker script: REVENANT_IMPORT_WORKER `0` for none; else the compiled importCsvWorker.js
 * beside this module.
 */
export const importWorkerUrl = (): URL | undefined => workerScriptUrl('REVENANT_IMPORT_WORKER', './importCsvWorker.js', import.meta.url);

/**
 * The nodes part on a worker thread (it opens the snapshot's file itself) while this thread
 * writes the relationships; without a worker script or a file, both here. Same files as writeImportCsv.
 */
export async function writeImportCsvParallel(sdb: SnapshotDb, id: string, storeName: string, dir: string): Promise<ImportCsv> {
  const url = importWorkerUrl();
  const file = sdb.db.name;
  if (!url || !file || !existsSync(file)) return writeImportCsv(sdb, id, storeName, dir, hasStoredFindings(sdb.db) ? readStoredFindings(sdb) : null);
  const job: ImportCsvJob = { file, id, storeName, dir };
  const worker = startWorker(url, { workerData: job });
  const nodesPart = new Promise<ImportNodesPart>((ok, fail) => {
    let result: ImportNodesPart | undefined;
    worker.on('message', (m: { ok: ImportNodesPart } | { error: string; name: string }) => {
      if ('ok' in m) result = m.ok;
      else fail(m.name === 'StoreError' ? new StoreError(m.error) : new Error(`neo4j import: the CSV worker failed: ${m.error}`));
    });
    worker.on('error', (e: Error) => fail(new Error(`neo4j import: the CSV worker failed: ${e.message}`)));
    worker.on('exit', (code) => (result ? ok(result) : fail(new Error(`neo4j import: the CSV worker exited (code ${code}) without its files`))));
  });
  // Not left unhandled while this thread is busy with the relationships.
  nodesPart.catch(() => undefined);
  let edgesPart: ImportEdgesPart;
  try {
    edgesPart = writeImportEdges(sdb, id, dir);
  } catch (e) {
    await worker.terminate();
    throw e;
  }
  return join(await nodesPart, edgesPart);
}

/** The worker's side: open the snapshot and write the nodes part (importCsvWorker.ts). */
export function runImportCsvJob(job: ImportCsvJob): ImportNodesPart {
  const sdb = new SnapshotDb(job.file);
  try {
    return writeImportNodes(sdb, job.id, job.storeName, job.dir, hasStoredFindings(sdb.db) ? readStoredFindings(sdb) : null);
  } finally {
    sdb.close();
  }
}
