/**
 * Entra `roleEligibilitySchedules` (PIM): (principal)-[:ELIGIBLE_FOR]->(eligibility)-[:OF_ROLE]->
 * (role definition), with the schedule's end (an eligibility that ended no longer counts).
 */
import type { Emit } from '../../src/model/Emit.js';
import { IdSpace } from '../../src/model/ids.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { EntraRoleEligibilityProps } from '../../src/model/types.js';
import { type Raw, path, str } from '../collection/fields.js';
import { idOf } from './directoryObjects.js';
import { assignmentProps, linkRoleHolder } from './roleAssignments.js';

export function transformRoleEligibilitySchedules(raw: Raw, emit: Emit): void {
  const props: EntraRoleEligibilityProps = {
    ...assignmentProps(raw),
    endDateTime: str(path(raw, 'scheduleInfo', 'expiration'), 'endDateTime'),
    status: str(raw, 'status'),
  };
  linkRoleHolder(emit, EdgeKind.ELIGIBLE_FOR, props, emit.node(NodeKind.EntraRoleEligibility, IdSpace.roleEligibility, idOf(raw), props));
}
