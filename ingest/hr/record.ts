/**
 * How an HR roster record takes part in analysis, for the source registry: it correlates by
 * employee id (strong) and email (medium), names the person it belongs to, and a `terminated`
 * record departs every account of that person once its termination date (if any) has passed.
 */
import { NodeKind } from '../../src/model/schema.js';
import type { CorrelationKeys, RecordKindDef } from '../../src/model/source.js';
import { instant } from '../../src/model/time.js';

const s = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function correlation(props: Record<string, unknown>): CorrelationKeys {
  return { employeeId: s(props.employeeId), mails: [s(props.email)].filter((x): x is string => !!x) };
}

export const HR_RECORD: RecordKindDef = {
  kind: NodeKind.HrPerson,
  correlation,
  namesPerson: true,
  terminated(props, at) {
    if (props.status !== 'terminated') return undefined;
    const d = instant(props.terminationDate);
    return d === null || d <= at ? { date: d } : undefined;
  },
  cypherTerminated: (r) => `${r}.status = 'terminated' AND (${r}.terminationDateMs IS NULL OR ${r}.terminationDateMs <= $at)`,
};
