/**
 * The cache of what is parsed from published snapshot files: an entry up to half the budget is
 * kept (a 250k tenant's largest record index, ~390 MB, must be), a larger one is made each time,
 * and a key of null (a file being written) is never cached.
 */
import { describe, expect, it } from 'vitest';
import { MAX_ENTRY_BYTES, cached } from '../../src/store/fileCache.js';

function counter(bytes: number) {
  let made = 0;
  const make = () => ({ value: ++made, bytes });
  return { make, made: () => made };
}

describe('fileCache', () => {
  it('keeps an entry of 390 MB, the size of a 250k tenant’s group-members record index', () => {
    const c = counter(390 * 1024 * 1024);
    expect(cached('k-390mb', c.make)).toBe(1);
    expect(cached('k-390mb', c.make)).toBe(1);
    expect(c.made()).toBe(1);
  });

  it('keeps an entry of exactly the largest size, and makes a larger one each time', () => {
    const edge = counter(MAX_ENTRY_BYTES);
    cached('k-edge', edge.make);
    cached('k-edge', edge.make);
    expect(edge.made()).toBe(1);
    const big = counter(MAX_ENTRY_BYTES + 1);
    expect(cached('k-big', big.make)).toBe(1);
    expect(cached('k-big', big.make)).toBe(2);
  });

  it('never caches under a null key', () => {
    const c = counter(10);
    cached(null, c.make);
    cached(null, c.make);
    expect(c.made()).toBe(2);
  });
});
