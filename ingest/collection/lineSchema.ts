/**
 * The small vocabulary the sources' line schemas are written in (ingest/<source>/datasets.ts):
 * each term is a JSON Schema fragment for Ajv. Schemas check only what analysis relies on.
 */
export type Schema = Record<string, unknown>;
export const str: Schema = { type: 'string' };
export const strN: Schema = { type: ['string', 'null'] };
export const boolN: Schema = { type: ['boolean', 'null'] };
export const date: Schema = { type: 'string', format: 'iso-date' };
export const dateN: Schema = { type: ['string', 'null'], format: 'iso-date' };
export const arrN = (items: Schema): Schema => ({ type: ['array', 'null'], items });
export const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: 'object',
  properties,
  required,
});
export const objN = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: ['object', 'null'],
  properties,
  required,
});
/** A line that wraps a child object under its parent's id: `{"groupId": "…", "member": {…}}`. */
export const wrapped = (parent: string, child: string, childSchema: Schema = obj({ id: str, '@odata.type': strN }, ['id'])): Schema =>
  obj({ [parent]: str, [child]: childSchema }, [parent, child]);

