/**
 * The queries a command or the API runs on one snapshot, on either engine, behind one interface
 * (`QueryEngine`): the CLI's residual, blast-radius and paths commands and the API's routes call
 * it and never branch on the engine. The embedded engine answers from the snapshot's SQLite file
 * (a cache-free reader for the hot subject lookups, a per-call graphology graph for traversals,
 * or the whole snapshot read compactly for a tenant-wide sweep when asked to); the Neo4j engine
 * answers in Cypher inside Neo4j (queries/*.cypher.ts), from the same snapshot pushed there by
 * `load --neo4j`. Both give the same results (the parity suites).
 */
import { type AccountRef, accountsOf, tokenOwner } from './accountRefs.js';
import { CompactGraph } from '../src/store/CompactGraph.js';
import { DbReader } from '../src/store/DbReader.js';
import type { InputFile, SourceInfo } from '../src/store/GraphReader.js';
import { LazyGraph } from '../src/store/LazyGraph.js';
import type { SnapshotDb } from '../src/store/SnapshotDb.js';
import type { BlastRadius } from './blast-radius.js';
import { type Neighbourhood, type NeighbourhoodOptions, type PersonLinks, type SearchHit, neighbourhood, personOf, searchHits, searchRows } from './explore.js';
import type { PathsResult } from './paths.js';
import { type FindingsDoc, type ResidualOptions, runResidual } from './residual.js';

export type { AccountRef };
export type { SearchHit };

export interface QueryEngine {
  readonly kind: 'embedded' | 'neo4j';
  /** The snapshot's sources (for an event-driven refresh: the folders they were loaded from). */
  readonly sources: readonly SourceInfo[];
  /** The accounts a subject name resolves to (id, UPN, login, mail, employee id; `entra:`/`okta:` prefix). */
  accounts(name: string): Promise<AccountRef[]>;
  whatIf(opts: ResidualOptions): Promise<FindingsDoc>;
  blastRadius(principal: string, opts: { maxDepth?: number; listLimit?: number }): Promise<BlastRadius>;
  paths(from: string, to: string, opts: { maxDepth?: number; limit?: number }): Promise<PathsResult>;
  /** The owner (Okta user id) of an API token, or null when the snapshot does not know it. */
  apiTokenOwner(tokenId: string): Promise<string | null>;
  /** Objects whose id, name, mail, UPN, login or employee id starts with `q` (the console's search box). */
  search(q: string, limit: number): Promise<SearchHit[]>;
  /** The person behind a name: correlated accounts, HR records and the links between them. */
  person(name: string): Promise<PersonLinks>;
  /** One node with its edges grouped by kind and direction, a page of each (the graph explorer). */
  neighbourhood(key: string, opts: NeighbourhoodOptions): Promise<Neighbourhood>;
  /** The input files the snapshot was made from, with their SHA-256 (empty when the engine does not keep them). */
  inputFiles(): InputFile[];
  close(): void;
}

export interface EmbeddedEngineOptions {
  /**
   * Answer a tenant-wide sweep (`whatIf` with `all`) on the whole snapshot read compactly
   * (CompactGraph) instead of on demand: what a one-shot command wants; the API, answering many
   * requests on one snapshot, reads on demand.
   */
  compactSweeps?: boolean;
  /**
   * Answer a tenant-wide sweep with nothing that changes the analysis (no subject, what-if or
   * rule list) from the document the load stored, where that is exactly what the sweep would give
   * (queries/storedSweep.ts): what a one-shot command wants (REVENANT_RECOMPUTE=1 sweeps instead).
   */
  storedSweeps?: boolean;
}

export class EmbeddedEngine implements QueryEngine {
  readonly kind = 'embedded' as const;
  private readonly reader: DbReader;

  /** `id` null: collections analysed directly (an in-memory snapshot). */
  constructor(
    readonly db: SnapshotDb,
    private readonly id: string | null,
    private readonly opts: EmbeddedEngineOptions = {},
  ) {
    this.reader = new DbReader(db, id);
  }

  get sources(): readonly SourceInfo[] {
    return this.reader.sources;
  }

  /** A graph for one call (its cache lives and dies with the call). */
  private graph(): LazyGraph {
    return new LazyGraph(this.db, this.id);
  }

  async accounts(name: string): Promise<AccountRef[]> {
    return accountsOf(this.reader, name);
  }

  async whatIf(opts: ResidualOptions): Promise<FindingsDoc> {
    if (opts.all && this.opts.storedSweeps && this.id !== null && !opts.subjects?.length && !opts.assumeDeparted?.length && !opts.rules) {
      const { storedSweep } = await import('./storedSweep.js');
      const doc = storedSweep(this.db, this.id, opts.at);
      if (doc) return doc;
    }
    return runResidual(opts.all && this.opts.compactSweeps ? new CompactGraph(this.db, this.id) : this.graph(), opts);
  }

  // Blast radius and paths (and the graph library they build on) load when first asked for: a
  // one-subject query never needs them.
  async blastRadius(principal: string, opts: { maxDepth?: number; listLimit?: number }): Promise<BlastRadius> {
    const { blastRadius } = await import('./blast-radius.js');
    return blastRadius(this.graph(), principal, opts);
  }

  async paths(from: string, to: string, opts: { maxDepth?: number; limit?: number }): Promise<PathsResult> {
    const { findPaths } = await import('./paths.js');
    return findPaths(this.graph(), from, to, opts);
  }

  async apiTokenOwner(tokenId: string): Promise<string | null> {
    return tokenOwner(this.reader, tokenId);
  }

  async search(q: string, limit: number): Promise<SearchHit[]> {
    return searchHits(this.reader, q, this.db.searchNames(q, searchRows(limit)), limit);
  }

  async person(name: string): Promise<PersonLinks> {
    return personOf(this.reader, name);
  }

  async neighbourhood(key: string, opts: NeighbourhoodOptions): Promise<Neighbourhood> {
    return neighbourhood(this.reader, key, opts);
  }

  inputFiles(): InputFile[] {
    return this.reader.files();
  }

  close(): void {
    this.db.close();
  }
}

// The Neo4j engine lives in its own module (a Neo4j command loads none of the embedded engine's
// modules); it is re-exported here for the API and the tests.
export { Neo4jEngine } from './Neo4jEngine.js';
