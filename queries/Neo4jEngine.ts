/**
 * The Neo4j engine (queries/QueryEngine.ts's interface): every query answered in Cypher inside
 * Neo4j (queries/*.cypher.ts) on a snapshot pushed by `load --neo4j`, with the same results as
 * the embedded engine (the parity suites). Its own module so that a Neo4j command loads only what
 * it runs: each query's module is imported when first called, and none of the embedded engine's
 * (SQLite, the compact graph) is.
 */
import type { InputFile, SourceInfo } from '../src/store/GraphReader.js';
import type { Neo4jSnapshot } from '../src/store/neo4jGraph.js';
import type { BlastRadius } from './blast-radius.js';
import type { Neighbourhood, NeighbourhoodOptions, PersonLinks } from './explore.js';
import type { PathsResult } from './paths.js';
import { type AccountRef, accountsOf, tokenOwner } from './accountRefs.js';
import type { QueryEngine, SearchHit } from './QueryEngine.js';
import type { FindingsDoc, ResidualOptions } from './residual.js';

export class Neo4jEngine implements QueryEngine {
  readonly kind = 'neo4j' as const;

  constructor(
    private readonly snap: Neo4jSnapshot,
    private readonly opts: { storedSweeps?: boolean } = {},
  ) {}

  get sources(): readonly SourceInfo[] {
    return this.snap.sources;
  }

  async accounts(name: string): Promise<AccountRef[]> {
    const { lookupGraph } = await import('./cypher/accounts.js');
    return accountsOf(await lookupGraph(this.snap, [name]), name);
  }

  /**
   * With `storedSweeps`, a tenant-wide sweep with nothing that changes the analysis (no subject,
   * what-if or rule list) is read from the findings the load stored, where that is exactly what
   * the sweep would give (queries/storedSweep.cypher.ts), as the embedded engine's option does.
   */
  async whatIf(opts: ResidualOptions): Promise<FindingsDoc> {
    if (opts.all && this.opts.storedSweeps && !opts.subjects?.length && !opts.assumeDeparted?.length && !opts.rules) {
      const { storedSweepNeo4j } = await import('./storedSweep.cypher.js');
      const doc = await storedSweepNeo4j(this.snap, opts.at);
      if (doc) return doc;
    }
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
