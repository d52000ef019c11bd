/** Entra `groupOwners`: `{groupId, owner}` → (owner)-[:OWNS]->(group). */
import { NodeKind } from '../../src/model/schema.js';
import { ownersTransform } from './directoryObjects.js';

export const transformGroupOwners = ownersTransform('groupId', NodeKind.EntraGroup);
