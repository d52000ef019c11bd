/**
 * Whether collection folders hold a delta collection (a source folder whose manifest names the
 * collection it extends): such folders are loaded as a delta snapshot on the snapshot of their
 * base. Reads only the manifests.
 */
import { openCollection, isDeltaFolder } from '../../../ingest/collection/openCollection.js';

export function wantsDelta(dirs: readonly string[]): boolean {
  return dirs.some((d) => openCollection(d).sources.some(isDeltaFolder));
}
