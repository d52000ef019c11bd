/**
 * What reach, a privilege step and a rule may read besides the graph: the analysis time, and
 * which datasets of which source folder were read in full. An access whose end is read from a
 * dataset (an Azure assignment's PIM schedule instances) ends only when that dataset is complete
 * — an incomplete one may hide the instance that keeps it active, and missing data never reads
 * as "no access". The Neo4j engine passes the same as `$at` (epoch ms) and `$complete` (the
 * `sourceKey|dataset` of every complete dataset: `completeDatasets`).
 */

export interface ReachContext {
  /** The analysis time (epoch ms): the rules' `at`; blast radius and paths use the snapshot's collection time. */
  readonly at: number;
  /** Whether the folder `sourceKey` read `dataset` in full. */
  complete(sourceKey: string, dataset: string): boolean;
}

/** The part of a snapshot's source (GraphReader's SourceInfo) the context reads: its ledger. */
export interface LedgerSource {
  sourceKey: string;
  datasets: Readonly<Record<string, { status: string }>>;
}

/** `sourceKey|dataset` of every dataset a source read in full (the Neo4j engine's `$complete`). */
export function completeDatasets(sources: readonly LedgerSource[]): string[] {
  return sources.flatMap((s) => Object.entries(s.datasets).flatMap(([d, l]) => (l.status === 'complete' ? [`${s.sourceKey}|${d}`] : [])));
}

/** The context of an analysis at `at` over these sources. */
export function reachContext(sources: readonly LedgerSource[], at: number): ReachContext {
  const done = new Set(completeDatasets(sources));
  return { at, complete: (sourceKey, dataset) => done.has(`${sourceKey}|${dataset}`) };
}
