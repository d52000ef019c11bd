/**
 * Options shared by the analysis commands (`--collection`, `--snapshot`, `--store`, `--at`,
 * `--assume-departed`, `--format`, `--fail-on`), their parsing and validation (bad values are
 * InputErrors: exit 2), and opening the graph they name.
 */
import { type Command, Option } from 'commander';
import { InputError } from '../model/errors.js';
import type { CollectOption } from '../model/source.js';
import { instant } from '../model/time.js';
import { SEVERITIES, STATUSES } from '../analysis/severity.js';
import { writeChunks } from '../output/writeChunks.js';

const FORMATS = ['table', 'json', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

/** The options of `addSourceOptions`: which snapshot a command reads, on which engine. */
export interface SourceOptions {
  collection?: string[];
  snapshot?: string;
  store?: string;
  /** Bolt URI of the Neo4j engine (`--neo4j`; else NEO4J_URI unless --store is given). */
  neo4j?: string;
  /** The database on that server (`--neo4j-database`; else NEO4J_DATABASE). */
  neo4jDatabase?: string;
}

export interface AnalysisOptions extends SourceOptions {
  at?: string;
  assumeDeparted?: string[];
  format?: string;
  failOn?: string;
}

/** An option a source declares (collect, subscribe), as commander takes it. */
export function optionOf(d: CollectOption): Option {
  const opt = new Option(d.flags, d.description);
  if (d.default !== undefined) opt.default(d.default);
  if (d.required) opt.makeOptionMandatory();
  if (d.hidden) opt.hideHelp();
  return opt;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function addSourceOptions(cmd: Command): Command {
  return cmd
    .option('--collection <dir>', 'analyse a collection folder directly, without the store (repeatable)', collect)
    .option('--snapshot <id>', 'snapshot to analyse (default: the latest)')
    .option('--store <path>', 'embedded store folder (default: $REVENANT_STORE or ./.revenant)')
    .option('--neo4j <uri>', NEO4J_OPTION_HELP)
    .option('--neo4j-database <name>', NEO4J_DATABASE_HELP);
}

/** Help text of `--neo4j` (every command that reads or writes snapshots takes it). */
export const NEO4J_OPTION_HELP =
  'use the Neo4j engine at this URI: bolt:// for one server, neo4j:// or neo4j+s:// for a cluster or Aura (default: $NEO4J_URI unless --store is given; auth from $NEO4J_USER/$NEO4J_PASSWORD)';

/** Help text of `--neo4j-database`. */
export const NEO4J_DATABASE_HELP = "the database on the Neo4j server (default: $NEO4J_DATABASE, else the server's default database)";

export function addAnalysisOptions(cmd: Command, formats: readonly string[] = FORMATS): Command {
  return addSourceOptions(cmd)
    .option('--at <iso-8601>', "analysis time (default: the collections' collectedAt)")
    .option('--assume-departed <subject>', 'what-if: treat this account as disabled now (repeatable)', collect)
    .addOption(new Option('--format <format>', 'output format (default: table on a terminal, json otherwise)').choices([...formats]))
    .option('--fail-on <status|severity>', `exit 3 if any finding has this status or worse (${STATUSES.join(' > ')}), or this severity or worse (${SEVERITIES.join(' > ')})`);
}

export function parseAt(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = instant(v);
  if (t === null) throw new InputError(`--at: ${JSON.stringify(v)} is not an ISO-8601 date or date-time (e.g. 2026-11-01T00:00:00Z)`, { field: '--at' });
  return t;
}

export function formatOf(v: string | undefined): Format {
  return (v as Format | undefined) ?? (process.stdout.isTTY ? 'table' : 'json');
}

export function parseFailOn(v: string | undefined): { kind: 'status' | 'severity'; value: string } | undefined {
  if (v === undefined) return undefined;
  if ((STATUSES as readonly string[]).includes(v)) return { kind: 'status', value: v };
  if ((SEVERITIES as readonly string[]).includes(v)) return { kind: 'severity', value: v };
  throw new InputError(`--fail-on: ${JSON.stringify(v)} is not a status (${STATUSES.join(', ')}) or severity (${SEVERITIES.join(', ')})`, { field: '--fail-on' });
}

/**
 * Write to stdout, tolerating a closed pipe (`revenant … | head`). Text in pieces (an iterable)
 * streams with back-pressure: large outputs never become one string.
 */
export function writeOut(text: string | Iterable<string>): Promise<void> {
  return writeChunks(process.stdout, typeof text === 'string' ? [text] : text);
}
