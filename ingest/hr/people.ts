/**
 * HR `people`: one HrPerson node per roster record, keyed by employee id (or, without one, by
 * the lower-cased mail). A date without a time means 00:00:00Z of that day.
 */
import type { Emit, Transform } from '../../src/model/Emit.js';
import { IdSpace } from '../../src/model/ids.js';
import { NodeKind } from '../../src/model/schema.js';
import type { HrPersonProps } from '../../src/model/types.js';
import { type Raw, str } from '../collection/fields.js';

function transformPeople(raw: Raw, emit: Emit): void {
  const employeeId = str(raw, 'employeeId')?.trim() || null;
  const email = str(raw, 'email')?.trim() || null;
  const props: HrPersonProps = {
    name: str(raw, 'displayName') ?? email ?? employeeId ?? '',
    employeeId,
    email,
    displayName: str(raw, 'displayName'),
    status: str(raw, 'status') === 'terminated' ? 'terminated' : 'active',
    terminationDate: str(raw, 'terminationDate'),
  };
  emit.node(NodeKind.HrPerson, IdSpace.hrPerson, employeeId ?? (email ?? '').toLowerCase(), props);
}

export const HR_TRANSFORMS: readonly ['people', Transform][] = [['people', transformPeople]];
