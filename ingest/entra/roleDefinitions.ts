/** Entra `roleDefinitions`: EntraRoleDefinition nodes, recognised by template id (never by name). */
import type { Emit } from '../../src/model/Emit.js';
import { IdSpace } from '../../src/model/ids.js';
import { NodeKind } from '../../src/model/schema.js';
import type { EntraRoleDefinitionProps } from '../../src/model/types.js';
import { type Raw, str } from '../collection/fields.js';
import { idOf } from './directoryObjects.js';

export function transformRoleDefinitions(raw: Raw, emit: Emit): void {
  const props: EntraRoleDefinitionProps = {
    name: str(raw, 'displayName') ?? idOf(raw),
    templateId: str(raw, 'templateId') ? idOf(raw, 'templateId') : idOf(raw),
  };
  emit.node(NodeKind.EntraRoleDefinition, IdSpace.roleDefinition, idOf(raw), props);
}
