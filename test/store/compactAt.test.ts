/**
 * When a delta (or a time catch-up) reads the whole view in compact form rather than each unit's
 * neighbourhood lazily: never below the 2,000 units that served 50k people, and more as the view
 * grows (building the compact form is O(view), reading a unit lazily is not).
 */
import { describe, expect, it } from 'vitest';
import { compactAt } from '../../src/store/CompactGraph.js';

describe('compactAt', () => {
  it('is at least 2,000 units and grows with the view, in proportion for large views', () => {
    expect(compactAt(0)).toBe(2000);
    expect(compactAt(300_000)).toBeGreaterThanOrEqual(2000);
    const sizes = [0, 10_000, 300_000, 1_500_000, 6_000_000];
    const at = sizes.map(compactAt);
    for (let i = 1; i < at.length; i++) expect(at[i]).toBeGreaterThanOrEqual(at[i - 1]);
    // A 250k-person view (1.5 M nodes) reads a delta of a few thousand units lazily; four times
    // the view, about four times the units.
    expect(compactAt(1_500_000)).toBeGreaterThan(3608);
    expect(compactAt(6_000_000) / compactAt(1_500_000)).toBeCloseTo(4, 1);
  });
});
