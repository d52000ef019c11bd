/**
 * One list per parent object, for collectors whose SDK has no batching (GitHub, Azure): reads
 * each parent's items in turn, reports progress over the parents, and turns failures into the
 * ledger — every parent failing the same way means nothing could be read (it throws: the dataset
 * is missing with that reason), otherwise the dataset is partial with one reason per cause
 * (`HTTP 503 … for 3 repositories`). A page error inside one parent's list never ends it quietly.
 * Provider-neutral.
 */
import { type DatasetOutput, reasonOf } from './runDatasets.js';

export async function* perParent<P, T>(out: DatasetOutput, parents: readonly P[], noun: string, read: (parent: P) => AsyncIterable<T>): AsyncGenerator<T> {
  const failures = new Map<string, number>();
  let done = 0;
  out.progress(0, parents.length);
  for (const p of parents) {
    try {
      yield* read(p);
    } catch (e) {
      if (out.signal.aborted) throw e;
      const reason = reasonOf(e);
      failures.set(reason, (failures.get(reason) ?? 0) + 1);
    }
    out.progress(++done, parents.length);
  }
  if (failures.size === 1 && [...failures.values()][0] === parents.length && parents.length > 0) {
    const [reason] = failures.keys();
    throw new Error(`${reason} for all ${parents.length} ${noun}`);
  }
  for (const [reason, n] of failures) out.incomplete(`${reason} for ${n} ${noun}`);
}
