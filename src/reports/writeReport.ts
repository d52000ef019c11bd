/**
 * `revenant report` as a library call (the CLI, the demo and the scheduler use it): gather the
 * inputs from the store, build the model, render the charts and the HTML, and write report.html,
 * report.json, findings.csv and leavers.csv into the output folder — each file atomically — then
 * record the report in the store's ledger so the next report compares with this one.
 */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildReport, type ReportDoc, TTD_LABELS } from './buildReport.js';
import { renderCharts } from './charts.js';
import { findingsCsvChunks, leaversCsvChunks } from './csv.js';
import { parseDuration } from './duration.js';
import { jsonChunks, withNewline } from '../output/jsonChunks.js';
import { writeFileChunks } from '../output/writeChunks.js';
import { recordReport } from './ledger.js';
import { renderReportHtml } from './renderHtml.js';
import { gatherInputs } from './reportInputs.js';

const DEFAULT_SLA = '24h';
const REPORT_FILES = ['report.html', 'report.json', 'findings.csv', 'leavers.csv'] as const;

export interface WriteReportOptions {
  out: string;
  store?: string;
  snapshot?: string;
  since?: string;
  sla?: string;
  /** Record the report in the store's ledger (default true). */
  record?: boolean;
  onProgress?: (stage: string) => void;
  now?: Date;
}

export interface WriteReportResult {
  doc: ReportDoc;
  out: string;
  files: { name: string; bytes: number }[];
  timings: Record<string, number>;
}

export async function writeReport(o: WriteReportOptions): Promise<WriteReportResult> {
  const slaText = (o.sla ?? DEFAULT_SLA).trim();
  const slaMs = parseDuration(slaText);
  const progress = o.onProgress ?? (() => {});
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - t);
    t = now;
  };

  const inputs = gatherInputs({ store: o.store, snapshot: o.snapshot, since: o.since, onProgress: progress });
  lap('gather');
  progress('building the report');
  const doc = buildReport(inputs, { slaMs, slaText, now: o.now });
  lap('build');
  progress('rendering charts');
  const charts = await renderCharts(doc.trend, doc.timeToDisable, [...TTD_LABELS], doc.sla.text);
  lap('charts');
  progress('rendering HTML');
  const page = renderReportHtml(doc, charts);
  lap('html');

  const out = resolve(o.out);
  progress(`writing ${out}`);
  // Streamed: at a million users the JSON and the CSVs are larger than one JavaScript string.
  writeFileChunks(join(out, 'report.json'), withNewline(jsonChunks(doc)));
  writeFileChunks(join(out, 'findings.csv'), findingsCsvChunks(doc));
  writeFileChunks(join(out, 'leavers.csv'), leaversCsvChunks(doc));
  writeFileChunks(join(out, 'report.html'), [page]);
  lap('write');
  if (o.record !== false) recordReport(inputs.storeDir, { snapshot: doc.snapshot, at: doc.at, writtenAt: (o.now ?? new Date()).toISOString(), out });
  return { doc, out, files: REPORT_FILES.map((name) => ({ name, bytes: statSync(join(out, name)).size })), timings };
}
