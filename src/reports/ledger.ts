/**
 * The report ledger, `reports.json` in the store folder: which snapshot each written report
 * covered, so that the next report compares with the snapshot of the previous report (a store
 * loaded daily but reported weekly compares week with week). Updated under a lock, atomically.
 */
import { join } from 'node:path';
import { readJsonFile, updateJsonFile } from './jsonFile.js';

export const LEDGER_FORMAT = 'revenant-report-ledger/1';

export interface LedgerEntry {
  snapshot: string;
  at: string;
  writtenAt: string;
  out: string;
}

interface LedgerFile {
  format: typeof LEDGER_FORMAT;
  reports: LedgerEntry[];
}

const EMPTY: LedgerFile = { format: LEDGER_FORMAT, reports: [] };

function ledgerPath(storeDir: string): string {
  return join(storeDir, 'reports.json');
}

export function readLedger(storeDir: string): LedgerEntry[] {
  const f = readJsonFile<LedgerFile>(ledgerPath(storeDir), EMPTY);
  return Array.isArray(f.reports) ? f.reports : [];
}

export function recordReport(storeDir: string, entry: LedgerEntry): void {
  updateJsonFile<LedgerFile>(ledgerPath(storeDir), EMPTY, (cur) => ({
    format: LEDGER_FORMAT,
    reports: [...(Array.isArray(cur.reports) ? cur.reports : []), entry].slice(-1000),
  }));
}
