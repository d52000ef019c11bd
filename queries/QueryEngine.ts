/**
 * The queries a command or the API runs on one snapshot, on either engine, behind one interface
 * (`QueryEngine`): the CLI's residual, blast-radius and paths commands and the API's routes call
 * it and never branch on the engine. The embedded engine answers from the snapshot's SQLite file
 * (a cache-free reader for the hot subject lookups, a per-call graphology graph for traversals,
 * or the whole snapshot read compactly for a tenant-wide sweep when asked to); the Neo4j engine
 * answers in Cypher inside Neo4j (queries/*.cypher.ts), from the same snapshot pushed there by
 * `load --neo4j`. Both give the same results (the parity suites).
 */
import { NodeKind } from '../src/model/schema.js';
import { nodeName, sourceOfKey } from '../src/model/props.js';
import { CompactGraph } from '../src/store/CompactGraph.js';
import { DbReader } from '../src/store/DbReader.js';
import type { GraphReader, InputFile, SourceInfo } from '../src/store/GraphReader.js';
import { LazyGraph } from '../src/store/LazyGraph.js';
import type { Neo4jSnapshot } from '../src/store/neo4jGraph.js';
import type { SnapshotDb } from '../src/store/SnapshotDb.js';
import { blastRadius, type BlastRadius } from './blast-radius.js';
import { type Neighbourhood, type NeighbourhoodOptions, type PersonLinks, type SearchHit, neighbourhood, personOf, searchHits, searchRows } from './explore.js';
import { findPaths, type PathsResult } from './paths.js';
import { type FindingsDoc, type ResidualOptions, resolveAccounts, runResidual } from './residual.js';

export interface AccountRef {
  source: string;
  sourceKey: string;
  id: string;
  name: string;
}

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

function accountsOf(g: GraphReader, name: string): AccountRef[] {
  const out: AccountRef[] = [];
  for (const key of resolveAccounts(g, name)) {
    const n = g.node(key);
    if (n) out.push({ source: sourceOfKey(n.sourceKey), sourceKey: n.sourceKey, id: n.id, name: nodeName(n) });
  }
  return out;
}

function tokenOwner(g: GraphReader, tokenId: string): string | null {
  for (const k of g.lookup(tokenId)) {
    const n = g.node(k);
    if (n?.kind === NodeKind.OktaApiToken && typeof n.props.userId === 'string') return n.props.userId;
  }
  return null;
}

export interface EmbeddedEngineOptions {
  /**
   * Answer a tenant-wide sweep (`whatIf` with `all`) on the whole snapshot read compactly
   * (CompactGraph) instead of on demand: what a one-shot command wants; the API, answering many
   * requests on one snapshot, reads on demand.
   */
  compactSweeps?: boolean;
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
    return runResidual(opts.all && this.opts.compactSweeps ? new CompactGraph(this.db, this.id) : this.graph(), opts);
  }

  async blastRadius(principal: string, opts: { maxDepth?: number; listLimit?: number }): Promise<BlastRadius> {
    return blastRadius(this.graph(), principal, opts);
  }

  async paths(from: string, to: string, opts: { maxDepth?: number; limit?: number }): Promise<PathsResult> {
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

export class Neo4jEngine implements QueryEngine {
  readonly kind = 'neo4j' as const;

  constructor(private readonly snap: Neo4jSnapshot) {}

  get sources(): readonly SourceInfo[] {
    return this.snap.sources;
  }

  async accounts(name: string): Promise<AccountRef[]> {
    const { lookupGraph } = await import('./cypher/accounts.js');
    return accountsOf(await lookupGraph(this.snap, [name]), name);
  }

  async whatIf(opts: ResidualOptions): Promise<FindingsDoc> {
    const { runResidualNeo4j } = await import('./residual.cypher.js');
    return runResidualNeo4j(this.snap, opts);
  }

  async blastRadius(principal: string, opts: { maxDepth?: number; listLimit?: number }): Promise<BlastRadius> {
    const { blastRadiusNeo4j } = await import('./blast-radius.cypher.js');
    return blastRadiusNeo4j(this.snap, principal, opts);
  }

  async paths(from: string, to: string, opts: { maxDepth?: number; limit?: number }): Promise<PathsResult> {
    const { findPathsNeo4j } = await import('./paths.cypher.js');
    return findPathsNeo4j(this.snap, from, to, opts);
  }

  async apiTokenOwner(tokenId: string): Promise<string | null> {
    const { lookupGraph } = await import('./cypher/accounts.js');
    return tokenOwner(await lookupGraph(this.snap, [tokenId]), tokenId);
  }

  async search(q: string, limit: number): Promise<SearchHit[]> {
    const { searchNeo4j } = await import('./explore.cypher.js');
    return searchNeo4j(this.snap, q, limit);
  }

  async person(name: string): Promise<PersonLinks> {
    const { personNeo4j } = await import('./explore.cypher.js');
    return personNeo4j(this.snap, name);
  }

  async neighbourhood(key: string, opts: NeighbourhoodOptions): Promise<Neighbourhood> {
    const { neighbourhoodNeo4j } = await import('./explore.cypher.js');
    return neighbourhoodNeo4j(this.snap, key, opts);
  }

  inputFiles(): InputFile[] {
    return this.snap.files();
  }

  close(): void {
    // The driver belongs to the snapshot source, not to one snapshot.
  }
}
