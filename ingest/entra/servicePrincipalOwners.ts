/** Entra `servicePrincipalOwners`: `{servicePrincipalId, owner}` → (owner)-[:OWNS]->(service principal). */
import { NodeKind } from '../../src/model/schema.js';
import { ownersTransform } from './directoryObjects.js';

export const transformServicePrincipalOwners = ownersTransform('servicePrincipalId', NodeKind.EntraServicePrincipal);
