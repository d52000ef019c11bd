/** Entra `applicationOwners`: `{applicationId, owner}` → (owner)-[:OWNS]->(application). */
import { NodeKind } from '../../src/model/schema.js';
import { ownersTransform } from './directoryObjects.js';

export const transformApplicationOwners = ownersTransform('applicationId', NodeKind.EntraApplication);
