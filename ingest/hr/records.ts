/**
 * Record identity of the HR roster (see ingest/collection/records.ts): a person is their employee
 * id, or, without one, their lower-cased mail — the same identity the transform gives the node.
 */
import type { RecordSpec } from '../../src/model/source.js';
import { str } from '../collection/recordSpec.js';

export const HR_RECORDS: Record<string, RecordSpec> = {
  people: { key: (l) => str(l.employeeId)?.trim() || str(l.email)?.trim().toLowerCase() || null },
};
