/**
 * The messages between a full load's main thread and its record index worker
 * (RecordIndexThread.ts, recordIndexWorker.ts). A batch carries, per line, META_INTS ints — line,
 * the number of its bytes, the lengths of its key, owner and parent (-1 for none), the number of
 * touched ints — followed by the touched (nid, mode) ints; the lines' bytes as read, one after the
 * other (copied into one buffer and transferred: cloning or joining the texts cost the main thread
 * more than hashing them); and one string of every line's key, owner and parent (those present).
 * A finished file comes back with its arrays encoded as stored (RecordIndex.ts's encodeArray).
 */
import type { EncodedRecordFile } from './RecordIndex.js';

/** Ints per line in a batch's `meta` before its touched ints. */
export const META_INTS = 6;

export type ToWorker = { t: 'batch'; meta: Int32Array; lines: number; bytes: Uint8Array; keys: string } | { t: 'end'; file: number };

export type ToMain =
  | { t: 'ack' }
  | { t: 'done'; file: number; n: number; cols: EncodedRecordFile['cols'] };
