/**
 * Person correlation as the catalogue defines it: strong links by employee id, medium links by
 * mail, transitive, case-insensitive after trimming, and never joining two employee ids —
 * directly or through a record without one — whatever the input order.
 */
import { describe, expect, it } from 'vitest';
import { correlate } from '../../src/analysis/correlation.js';

const persons = (r: ReturnType<typeof correlate>) => r.persons.map((p) => p.members.join('+')).sort();

describe('correlate', () => {
  it('links by employee id (strong) and mail (medium), case-insensitively, transitively', () => {
    const r = correlate([
      { key: 'entra/a', employeeId: ' E1 ', mails: ['Ann@X.com'] },
      { key: 'okta/a', employeeId: 'e1', mails: [] },
      { key: 'hr/a', employeeId: null, mails: ['ann@x.com '] },
      { key: 'okta/b', employeeId: null, mails: ['bob@x.com'] },
    ]);
    expect(persons(r)).toEqual(['entra/a+hr/a+okta/a', 'okta/b']);
    expect(r.links).toEqual(
      expect.arrayContaining([
        { a: 'entra/a', b: 'okta/a', key: 'employeeId', value: 'e1', strength: 'strong' },
        expect.objectContaining({ b: 'hr/a', key: 'mail', value: 'ann@x.com', strength: 'medium' }),
      ]),
    );
    expect(r.persons.find((p) => p.members.length === 3)!.employeeId).toBe('E1');
  });

  it('never joins two employee ids, directly or through a record without one — in any order', () => {
    const recs = [
      { key: 'a', employeeId: 'E1', mails: ['shared@x.com'] },
      { key: 'b', employeeId: null, mails: ['shared@x.com', 'other@x.com'] },
      { key: 'c', employeeId: 'E2', mails: ['other@x.com'] },
      { key: 'd', employeeId: null, mails: ['other@x.com'] },
    ];
    const expected = ['a', 'b+d', 'c'];
    expect(persons(correlate(recs))).toEqual(expected);
    expect(persons(correlate([...recs].reverse()))).toEqual(expected);
  });

  it('joins a cluster without employee ids to the single employee id it touches', () => {
    const r = correlate([
      { key: 'a', employeeId: 'E1', mails: ['m1@x.com'] },
      { key: 'b', employeeId: null, mails: ['m1@x.com', 'm2@x.com'] },
      { key: 'c', employeeId: null, mails: ['m2@x.com'] },
    ]);
    expect(persons(r)).toEqual(['a+b+c']);
  });

  it('ignores values that are not mail addresses and never matches on names', () => {
    const r = correlate([
      { key: 'a', employeeId: null, mails: ['jdoe', ''] },
      { key: 'b', employeeId: null, mails: ['jdoe'] },
    ]);
    expect(persons(r)).toEqual(['a', 'b']);
  });
});
