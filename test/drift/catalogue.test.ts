/**
 * Drift guards between the engine's rule list (queries/residual-access/index.ts) and what else
 * names rules or datasets: the synthetic tenant's catalogue of rule ids (ingest/synth/catalogue.ts)
 * is the engine's, in order; every dataset a rule needs is a dataset the collection format
 * declares for that source (its registration in the source registry, ingest/sources.ts); rule ids are unique.
 */
import { describe, expect, it } from 'vitest';
import { datasetsOf } from '../../ingest/collection/datasets.js';
import { SOURCES } from '../../ingest/sources.js';
import { RULE_IDS } from '../../ingest/synth/catalogue.js';
import { RULES, ruleById } from '../../queries/residual-access/index.js';

describe('rule and dataset drift', () => {
  it("the synthetic tenant's rule ids are the engine's rules, in catalogue order", () => {
    expect([...RULE_IDS]).toEqual(RULES.map((r) => r.id));
  });

  it('rule ids are unique and each resolves to its rule', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const r of RULES) expect(ruleById(r.id)).toBe(r);
  });

  it('a rule of a source is named after it and needs only datasets of sources that exist', () => {
    for (const r of RULES) {
      if (r.source !== 'cross') expect(Object.keys(r.needs), r.id).toContain(r.source);
      // Only the github and azure rules need datasets of other sources (source:dataset; framework decision 1).
      if (r.source !== 'cross' && r.source !== 'github' && r.source !== 'azure') expect(Object.keys(r.needs), r.id).toEqual([r.source]);
      for (const s of Object.keys(r.needs)) expect(SOURCES.kinds(), `${r.id} needs datasets of ${s}`).toContain(s);
    }
  });

  it("every dataset a rule needs is declared in the collection format for that source", () => {
    const undeclared: string[] = [];
    for (const r of RULES) {
      for (const [source, datasets] of Object.entries(r.needs)) {
        const known = datasetsOf(source);
        for (const d of datasets ?? []) if (!known.includes(d)) undeclared.push(`${r.id} needs ${source}/${d}`);
      }
      expect(Object.values(r.needs).flat().length, `${r.id} declares no dataset`).toBeGreaterThan(0);
    }
    expect(undeclared).toEqual([]);
  });
});
