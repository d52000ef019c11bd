/**
 * IdIndex (the writer's id → node number table): every id recorded is found again with its own
 * number, through growth and through ids whose hashes collide (same length and last 16
 * characters), and an id never recorded is not found.
 */
import { describe, expect, it } from 'vitest';
import { IdIndex } from '../../src/store/IdIndex.js';

describe('IdIndex', () => {
  it('finds every recorded id, colliding hashes included, and nothing else', () => {
    const ids: string[] = [''];
    const index = new IdIndex(ids, 4);
    const add = (id: string) => {
      const n = ids.length;
      ids.push(id);
      index.set(id, n);
      return n;
    };
    const expected = new Map<string, number>();
    for (let i = 0; i < 20000; i++) {
      const guid = `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`;
      expected.set(guid, add(guid));
      // Same length and last 16 characters as the GUID: the same hash, a different id.
      const twin = `${String(i).padStart(8, 'x')}-0000-4000-8000-000000000000`;
      expected.set(twin, add(twin));
    }
    for (const id of ['a', 'b', 'Group One', 'é']) expected.set(id, add(id));
    for (const [id, n] of expected) expect(index.get(id)).toBe(n);
    expect(index.get('99999999-0000-4000-8000-000000000000')).toBe(-1);
    expect(index.get('')).toBe(-1);
    expect(index.get('c')).toBe(-1);
  });
});
