/**
 * Accepted risks ("exceptions"): `revenant accept FINDING_ID --reason … --until DATE --by NAME`
 * records that someone accountable accepts one finding until a date. Records live in the store
 * folder as `acceptances.json` (append-only: a revocation is a record too, so the file is its own
 * audit trail) and are changed only under a lock with atomic writes. Whether an acceptance holds
 * is judged at the analysis time of the snapshot being reported, never the wall clock: the same
 * snapshot always gives the same answer, and an expired acceptance sends the finding back to open.
 */
import { join } from 'node:path';
import { InputError } from '../model/errors.js';
import { instant } from '../model/time.js';
import { readJsonFile, updateJsonFile } from './jsonFile.js';

export const ACCEPTANCES_FORMAT = 'revenant-acceptances/1';
const ACCEPTANCES_FILE = 'acceptances.json';

export interface Acceptance {
  /** The stable finding id. */
  finding: string;
  reason: string;
  /** ISO-8601 instant: the acceptance holds while the analysis time is before it. */
  until: string;
  by: string;
  /** When it was recorded (wall clock: a fact about the record, not about the tenant). */
  recordedAt: string;
  /** What the finding was when accepted, for people reading the file. */
  rule?: string;
  subject?: string;
  via?: string;
  /** Set on a revocation record: the acceptance of `finding` ends here. */
  revoked?: boolean;
}

export interface AcceptancesFile {
  format: typeof ACCEPTANCES_FORMAT;
  acceptances: Acceptance[];
}

export type AcceptanceState =
  | { state: 'accepted'; acceptance: Acceptance }
  | { state: 'expired'; acceptance: Acceptance };

export function acceptancesPath(storeDir: string): string {
  return join(storeDir, ACCEPTANCES_FILE);
}

const EMPTY: AcceptancesFile = { format: ACCEPTANCES_FORMAT, acceptances: [] };

export function readAcceptances(storeDir: string): AcceptancesFile {
  const path = acceptancesPath(storeDir);
  const f = readJsonFile<AcceptancesFile>(path, EMPTY);
  if (f.format !== ACCEPTANCES_FORMAT || !Array.isArray(f.acceptances)) {
    throw new InputError(`${path}: not a ${ACCEPTANCES_FORMAT} file`, { file: path });
  }
  return f;
}

/** Validate and normalise the fields of a new acceptance. */
export function checkAcceptance(input: { finding: string; reason?: string; until?: string; by?: string }, notBefore: number): Omit<Acceptance, 'recordedAt'> {
  if (!/^[0-9a-f]{32}$/.test(input.finding)) throw new InputError(`accept: ${JSON.stringify(input.finding)} is not a finding id (32 hex digits, as in findings.csv or --format json)`, { field: 'FINDING_ID' });
  const reason = input.reason?.trim() ?? '';
  if (!reason) throw new InputError('accept: --reason is required (why the risk is accepted)', { field: '--reason' });
  const by = input.by?.trim() ?? '';
  if (!by) throw new InputError('accept: --by is required (who accepts the risk)', { field: '--by' });
  const until = instant(input.until);
  if (until === null) throw new InputError(`accept: --until ${JSON.stringify(input.until ?? '')} is not an ISO-8601 date or date-time`, { field: '--until' });
  if (until <= notBefore) {
    throw new InputError(`accept: --until ${input.until} is not after the latest analysis time ${new Date(notBefore).toISOString()}: the acceptance would already be expired`, { field: '--until' });
  }
  return { finding: input.finding, reason, by, until: new Date(until).toISOString() };
}

/** Append a record (an acceptance or a revocation) under the file's lock. */
export function appendAcceptance(storeDir: string, record: Omit<Acceptance, 'recordedAt'>, now = new Date()): Acceptance {
  const full: Acceptance = { ...record, recordedAt: now.toISOString() };
  updateJsonFile<AcceptancesFile>(acceptancesPath(storeDir), EMPTY, (cur) => {
    if (cur.format !== ACCEPTANCES_FORMAT || !Array.isArray(cur.acceptances)) throw new InputError(`${acceptancesPath(storeDir)}: not a ${ACCEPTANCES_FORMAT} file`);
    return { format: ACCEPTANCES_FORMAT, acceptances: [...cur.acceptances, full] };
  });
  return full;
}

/** The latest record per finding (a revocation removes the finding's acceptance). */
export function currentAcceptances(file: AcceptancesFile): Map<string, Acceptance> {
  const out = new Map<string, Acceptance>();
  for (const a of file.acceptances) {
    if (a.revoked) out.delete(a.finding);
    else out.set(a.finding, a);
  }
  return out;
}

/** Whether a finding is accepted at `at` (ms), its acceptance expired, or neither (undefined). */
export function acceptanceAt(current: Map<string, Acceptance>, findingId: string, at: number): AcceptanceState | undefined {
  const a = current.get(findingId);
  if (!a) return undefined;
  const until = instant(a.until);
  return until !== null && at < until ? { state: 'accepted', acceptance: a } : { state: 'expired', acceptance: a };
}
