/**
 * A line's content hash (src/store/records/RecordIndex.ts `contentHash`): the same object read by
 * a list, by a single-object read (`@odata.context`) or through a typed relationship
 * (`@odata.type`) hashes the same — a per-subject refresh that re-reads an unchanged group or
 * service principal changes nothing —, while any change to the object, nested annotations
 * included, changes the hash.
 */
import { describe, expect, it } from 'vitest';
import { contentHash, hash64 } from '../../src/store/records/RecordIndex.js';

const line = (o: Record<string, unknown>) => ({ text: JSON.stringify(o), value: o });
const h = (o: Record<string, unknown>) => {
  const l = line(o);
  return contentHash(l.text, l.value);
};

describe('contentHash', () => {
  const group = { id: 'g1', displayName: 'Finance', securityEnabled: true, groupTypes: [] };

  it('is the hash of the text when the line has no top-level annotation', () => {
    expect(h(group)).toEqual(hash64(JSON.stringify(group)));
  });

  it('ignores top-level @odata annotations', () => {
    expect(h({ '@odata.type': '#microsoft.graph.group', ...group })).toEqual(h(group));
    expect(h({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#groups/$entity', ...group })).toEqual(h(group));
  });

  it('changes with the object', () => {
    expect(h({ ...group, displayName: 'Finance 2' })).not.toEqual(h(group));
    expect(h({ '@odata.type': '#microsoft.graph.group', ...group, securityEnabled: false })).not.toEqual(h(group));
  });

  it('keeps nested annotations: a member reference of another type is another line', () => {
    const user = { groupId: 'g1', member: { '@odata.type': '#microsoft.graph.user', id: 'u1' } };
    const sp = { groupId: 'g1', member: { '@odata.type': '#microsoft.graph.servicePrincipal', id: 'u1' } };
    expect(h(user)).not.toEqual(h(sp));
  });

  it('finds a top-level annotation whose key the text spells with \\u escapes', () => {
    const text = `{"\\u0040odata.type":"#microsoft.graph.group",${JSON.stringify(group).slice(1)}`;
    const value = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(value)[0]).toBe('@odata.type');
    expect(contentHash(text, value)).toEqual(h(group));
  });
});
