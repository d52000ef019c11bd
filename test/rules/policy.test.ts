/**
 * Rule policy lives on the rules and is whole: every rule a policy names exists and suppression
 * never runs in a circle; severity floors raise a finding's severity but never lower it; every
 * rule declares the remediation action the report groups it under; node properties are read by
 * kind through one accessor, which refuses a node of another kind.
 */
import { describe, expect, it } from 'vitest';
import { RULES, ruleById } from '../../queries/residual-access/index.js';
import { NO_REACH } from '../../src/analysis/reach.js';
import { SEVERITIES, STATUSES, severityOf } from '../../src/analysis/severity.js';
import { nodeName, propsIf, propsOf, sourceOfKey } from '../../src/model/props.js';
import { NodeKind } from '../../src/model/schema.js';
import type { GraphNode } from '../../src/model/types.js';

describe('rule policy', () => {
  it('names only rules of the catalogue, and suppression has no cycle', () => {
    for (const r of RULES) {
      for (const id of r.policy?.suppressedBy ?? []) {
        expect(ruleById(id), `${r.id} is suppressed by unknown rule ${id}`).toBeDefined();
        expect(id).not.toBe(r.id);
      }
    }
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean => {
      if (seen.has(from)) return false;
      seen.add(from);
      return (ruleById(from)?.policy?.suppressedBy ?? []).some((x) => x === to || reaches(x, to, seen));
    };
    for (const r of RULES) expect(reaches(r.id, r.id), `${r.id} suppresses itself through a cycle`).toBe(false);
  });

  it('declares the catalogue’s severity lines that name a rule, and nothing else', () => {
    const floors = Object.fromEntries(RULES.filter((r) => r.policy?.minSeverity).map((r) => [r.id, r.policy!.minSeverity]));
    expect(floors).toEqual({ 'hr.leaver-account-enabled': 'critical', 'person.other-account-active': 'high' });
  });

  it('a severity floor raises, never lowers', () => {
    const tier0 = { ...NO_REACH, tier0: true, privileged: true };
    for (const status of STATUSES) {
      for (const reach of [NO_REACH, tier0]) {
        const own = severityOf(status, reach);
        for (const floor of SEVERITIES) {
          const got = severityOf(status, reach, floor);
          expect(SEVERITIES.indexOf(got)).toBe(Math.min(SEVERITIES.indexOf(own), SEVERITIES.indexOf(floor)));
        }
      }
    }
    expect(severityOf('dormant', NO_REACH, 'critical')).toBe('critical');
    expect(severityOf('live', tier0, 'high')).toBe('critical');
  });

  it('every rule declares its remediation action; the cross-source rules keep the person open', () => {
    for (const r of RULES) {
      expect(r.action.verb, r.id).not.toBe('');
      expect(r.action.unit).toHaveLength(2);
    }
    expect(RULES.filter((r) => r.policy?.keepsPersonOpen).map((r) => r.id).sort()).toEqual(RULES.filter((r) => r.source === 'cross').map((r) => r.id).sort());
  });
});

describe('typed node properties', () => {
  const app: GraphNode = { key: 'okta:https://x.okta.com/app/0oa1', kind: NodeKind.OktaApp, id: '0oa1', sourceKey: 'okta:https://x.okta.com', props: { name: 'Wiki', signOnMode: 'AUTO_LOGIN' } };
  const user: GraphNode = { key: 'entra:t/o/u1', kind: NodeKind.EntraUser, id: 'u1', sourceKey: 'entra:t', props: { name: '' } };

  it('reads a node’s properties by its kind, and refuses another kind', () => {
    expect(propsOf(app, NodeKind.OktaApp).signOnMode).toBe('AUTO_LOGIN');
    expect(propsOf(app, NodeKind.OktaGroup, NodeKind.OktaApp).name).toBe('Wiki');
    expect(() => propsOf(app, NodeKind.OktaUser)).toThrow(/is a OktaApp, not a OktaUser/);
    expect(propsIf(app, NodeKind.OktaUser)).toBeUndefined();
    expect(propsIf(undefined, NodeKind.OktaApp)).toBeUndefined();
    expect(propsIf(app, NodeKind.OktaApp)?.name).toBe('Wiki');
  });

  it('names a node by its display name, else its id; a source key by its source', () => {
    expect(nodeName(app)).toBe('Wiki');
    expect(nodeName({ ...user, props: {} as GraphNode['props'] })).toBe('u1');
    expect(sourceOfKey('okta:https://x.okta.com')).toBe('okta');
    expect(sourceOfKey('derived')).toBe('derived');
  });
});
