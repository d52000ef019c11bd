/**
 * The offline first load of a new Neo4j database (`revenant neo4j import`): a snapshot of the
 * embedded store written as CSV (neo4jImportCsv.ts) — the same nodes, labels, relationships and
 * properties the online push writes (neo4jPush.ts's `neo4jNodes` / `neo4jEdges`, its findings, and
 * its `:RevenantSnapshot` record with status `loading`) — and read by `neo4j-admin database import
 * full`, which needs the server stopped. Then the server is started, the schema created (the
 * online path's constraints and indexes), what the CSV could not carry exactly set over Bolt, and
 * last, as the push does, the snapshot marked complete and the store's latest moved to it.
 *
 * Only a new database: one that does not exist yet (the server stopped), or that a running server
 * shows to be empty (no node at all; the server is then stopped with `stop`). Anything else is
 * refused before any work. A failed import removes the database's directories (it was new or
 * empty) and starts the server again if it stopped it; a failure once the server runs removes the
 * snapshot, as a failed push does. The CSV files are in a private temporary directory, removed
 * whatever happens. The database's directories are the default layout's
 * (`<home>/data/databases/<db>`, `<home>/data/transactions/<db>`).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { InputError, RevenantError } from '../model/errors.js';
import { ARRAY_DELIMITER_OPTION } from './neo4jImportCsv.js';
import { openNeo4jDriver, verifyNeo4jReachable } from './neo4jDriver.js';
import { completeSnapshot } from './neo4jPush.js';
import { Neo4jLabel, STORE_NAME, relType } from './neo4jSchema.js';
import { Neo4jStore } from './neo4jStore.js';
import type { Neo4jTarget } from './neo4jTarget.js';
import type { SnapshotDb } from './SnapshotDb.js';
import { hasStoredFindings, readStoredFindings } from './storedFindings.js';
import { type ImportCsv, type ImportFixups, writeImportCsvParallel } from './writeImportCsv.js';

const FIXUP_BATCH = 2_500;
const STOP_WAIT_MS = 120_000;

export interface Neo4jImportOptions {
  /** The Neo4j server after the import (its URI, credentials, database, store name). */
  target: Neo4jTarget;
  /** NEO4J_HOME of that server; the database is `<home>/data/databases/<database>`. */
  home: string;
  /** The `neo4j-admin` executable. */
  admin: string;
  /** Shell command that starts the server and returns (`neo4j start`, `systemctl start neo4j`). */
  start: string;
  /** Shell command that stops the server (only needed when it runs). */
  stop?: string;
  /** How long to wait for Bolt after `start`. */
  startTimeoutMs: number;
  onPhase?: (message: string) => void;
}

export interface Neo4jImportResult {
  nodes: number;
  edges: number;
  findings: number;
  /** Values set over Bolt after the import (what the CSV could not carry exactly). */
  fixups: number;
  /** Seconds per phase: csv, import (neo4j-admin), start, finish (schema, fixups, complete). */
  seconds: { stop: number; csv: number; import: number; start: number; finish: number };
}

const since = (t0: number): number => Math.round((Date.now() - t0) / 100) / 10;

/** Whether Bolt at the target answers within a couple of seconds. */
async function answers(driver: Driver, uri: string): Promise<boolean> {
  return verifyNeo4jReachable(driver, uri, 2_000).then(
    () => true,
    () => false,
  );
}

/** Run a shell command to its exit; its output only in the error when it fails. */
function runShell(what: string, command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (b: Buffer) => (out = (out + b.toString('utf8')).slice(-4000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (e) => reject(new RevenantError(`neo4j import: ${what} (${command}) could not run: ${e.message}`)));
    // On exit, not close: a server the command starts in the background may hold its output open.
    child.on('exit', (code, signal) => {
      child.stdout.destroy();
      child.stderr.destroy();
      if (code === 0) resolve();
      else reject(new RevenantError(`neo4j import: ${what} (${command}) failed (${signal ?? `exit ${code}`}): ${out.trim().split('\n').slice(-15).join('\n')}`));
    });
  });
}

/** Run neo4j-admin with NEO4J_HOME set; the tail of its output in the error when it fails. */
function runAdmin(admin: string, args: string[], home: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(admin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NEO4J_HOME: home } });
    let out = '';
    const keep = (b: Buffer) => (out = (out + b.toString('utf8')).slice(-20_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (e) => reject(new InputError(`neo4j import: --neo4j-admin ${admin} could not run: ${e.message}`, { field: '--neo4j-admin' })));
    child.on('close', (code, signal) => {
      const tail = out
        .split('\n')
        .filter((l) => l.trim() && !/^[.\-\s]*\d*%|∆/.test(l))
        .slice(-25)
        .join('\n');
      if (code === 0) resolve(tail);
      else reject(new RevenantError(`neo4j import: ${admin} database import failed (${signal ?? `exit ${code}`}):\n${tail}`));
    });
  });
}

async function waitUntil(what: string, ms: number, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new RevenantError(`neo4j import: ${what} within ${Math.round(ms / 1000)} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Set over Bolt what the CSV could not carry. */
async function applyFixups(store: Neo4jStore, id: string, f: ImportFixups): Promise<number> {
  const batches = async <T>(rows: T[], query: string) => {
    for (let i = 0; i < rows.length; i += FIXUP_BATCH) await store.q(query, { rows: rows.slice(i, i + FIXUP_BATCH), snapshot: id }, true);
  };
  await batches(f.nodes, `UNWIND $rows AS r MATCH (n:${Neo4jLabel.node} {snapshot: $snapshot, key: r.key}) SET n += r.p`);
  await batches(f.findings, `UNWIND $rows AS r MATCH (f:${Neo4jLabel.finding} {snapshot: $snapshot, id: r.id}) SET f += r.p`);
  let edges = 0;
  for (const [kind, rows] of f.edges) {
    await batches(rows, `UNWIND $rows AS r MATCH (:${Neo4jLabel.node} {snapshot: $snapshot, key: r.a})-[e:${relType(kind)}]->() WHERE e.snapshot = $snapshot AND e.seq = r.seq SET e += r.p`);
    edges += rows.length;
  }
  if (f.snapshot) await store.q(`MATCH (s:${Neo4jLabel.snapshot} {id: $id}) SET s += $p`, { id, p: f.snapshot }, true);
  return f.nodes.length + f.findings.length + edges + (f.snapshot ? 1 : 0);
}

/**
 * Import snapshot `id` of the embedded store (`sdb`) into a new Neo4j database (see the file's
 * comment); returns the counts and each phase's seconds.
 */
export async function importSnapshot(sdb: SnapshotDb, id: string, o: Neo4jImportOptions): Promise<Neo4jImportResult> {
  const database = o.target.database ?? 'neo4j';
  const dbDir = path.join(o.home, 'data', 'databases', database);
  const txDir = path.join(o.home, 'data', 'transactions', database);
  const phase = o.onPhase ?? (() => undefined);
  const seconds = { stop: 0, csv: 0, import: 0, start: 0, finish: 0 };
  if (!fs.existsSync(o.home) || !fs.statSync(o.home).isDirectory()) throw new InputError(`neo4j import: --neo4j-home ${o.home} is not a directory`, { field: '--neo4j-home' });

  const stored = hasStoredFindings(sdb.db) ? readStoredFindings(sdb) : null;
  const driver = openNeo4jDriver(o.target);
  let stopped = false;
  try {
    // 1. A new database only: empty on a running server (then stopped), or none yet.
    let overwrite = false;
    if (await answers(driver, o.target.uri)) {
      const { records } = await driver.executeQuery('MATCH (n) RETURN count(n) AS c', {}, { database });
      const count = Number(records[0]?.get('c') ?? 0);
      if (count > 0) {
        throw new InputError(
          `neo4j import: database '${database}' at ${o.target.uri} already holds data (${count} nodes); the offline import only writes a new, empty database — \`revenant load --neo4j\` adds a snapshot to one that holds data`,
          { field: '--neo4j' },
        );
      }
      if (!o.stop) throw new InputError(`neo4j import: Neo4j at ${o.target.uri} is running and the import needs it stopped: pass --neo4j-stop CMD (such as 'neo4j stop')`, { field: '--neo4j-stop' });
      const t0 = Date.now();
      phase(`database '${database}' is empty; stopping Neo4j (${o.stop})`);
      await runShell('--neo4j-stop', o.stop);
      stopped = true;
      await waitUntil(`Neo4j at ${o.target.uri} still answered after --neo4j-stop`, STOP_WAIT_MS, async () => !(await answers(driver, o.target.uri)));
      seconds.stop = since(t0);
      overwrite = true;
    } else if (fs.existsSync(dbDir)) {
      throw new InputError(
        `neo4j import: database '${database}' exists in ${o.home} and Neo4j at ${o.target.uri} does not answer, so whether it is empty cannot be checked: start Neo4j (the import checks it over Bolt and stops it with --neo4j-stop), or remove that database`,
        { field: '--neo4j-home' },
      );
    }

    // 2. CSV and neo4j-admin, the server stopped. Nothing of the database is kept if this fails.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'revenant-import-'));
    let written: ImportCsv;
    try {
      try {
        let t0 = Date.now();
        phase('writing CSV');
        written = await writeImportCsvParallel(sdb, id, o.target.storeName ?? STORE_NAME, tmp);
        seconds.csv = since(t0);
        t0 = Date.now();
        phase(`running ${o.admin} database import full ${database}`);
        await runAdmin(
          o.admin,
          [
            'database',
            'import',
            'full',
            database,
            `--overwrite-destination=${overwrite}`,
            '--id-type=integer',
            `--array-delimiter=${ARRAY_DELIMITER_OPTION}`,
            `--report-file=${path.join(tmp, 'import.report')}`,
            ...written.nodes.map((n) => `--nodes=${n}`),
            ...written.relationships.map((r) => `--relationships=${r}`),
          ],
          o.home,
        );
        seconds.import = since(t0);
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    } catch (e) {
      fs.rmSync(dbDir, { recursive: true, force: true });
      fs.rmSync(txDir, { recursive: true, force: true });
      if (stopped) await runShell('--neo4j-start', o.start).catch(() => undefined);
      throw e;
    }

    // 3. Start, then the schema, the fixups and, last, complete + latest.
    let t0 = Date.now();
    phase(`starting Neo4j (${o.start})`);
    await runShell('--neo4j-start', o.start);
    await waitUntil(`Neo4j at ${o.target.uri} did not answer after --neo4j-start`, o.startTimeoutMs, () => answers(driver, o.target.uri));
    seconds.start = since(t0);
    t0 = Date.now();
    const store = new Neo4jStore(driver, o.target.uri.replace(/^([a-z0-9+]+:\/\/)[^@/]*@/i, '$1'), database, o.target.storeName);
    let fixups = 0;
    try {
      phase('creating the schema');
      await store.ensureSchema();
      fixups = await applyFixups(store, id, written.fixups);
      const analysis = stored ? (({ findings: _, ...rest }) => rest)(stored) : null;
      await completeSnapshot(store, id, analysis ? JSON.stringify(analysis) : null, false);
    } catch (e) {
      await store.remove(id).catch(() => undefined);
      throw e;
    }
    seconds.finish = since(t0);
    return { ...written.counts, fixups, seconds };
  } finally {
    await driver.close().catch(() => undefined);
  }
}
