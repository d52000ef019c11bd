/** Which engine a command uses: `--neo4j`, else NEO4J_URI unless `--store` is given; auth and store name from the environment. */
import { describe, expect, it } from 'vitest';
import { neo4jTarget } from '../../src/store/neo4jTarget.js';

describe('neo4jTarget', () => {
  it('--neo4j wins; NEO4J_URI applies unless --store is given; neither means embedded', () => {
    expect(neo4jTarget({ neo4j: 'bolt://a:7687' }, {})?.uri).toBe('bolt://a:7687');
    expect(neo4jTarget({ neo4j: 'bolt://a:7687', store: '/s' }, { NEO4J_URI: 'bolt://b' })?.uri).toBe('bolt://a:7687');
    expect(neo4jTarget({}, { NEO4J_URI: 'bolt://b:7687' })?.uri).toBe('bolt://b:7687');
    expect(neo4jTarget({ store: '/s' }, { NEO4J_URI: 'bolt://b:7687' })).toBeNull();
    expect(neo4jTarget({}, { NEO4J_URI: '  ' })).toBeNull();
    expect(neo4jTarget({}, {})).toBeNull();
    expect(() => neo4jTarget({ neo4j: ' ' }, {})).toThrow(/--neo4j/);
  });

  it('takes credentials and the store name from the environment', () => {
    expect(neo4jTarget({}, { NEO4J_URI: 'bolt://b', NEO4J_USER: 'neo4j', NEO4J_PASSWORD: 'pw', REVENANT_NEO4J_STORE: 'team-a' })).toEqual({
      uri: 'bolt://b',
      user: 'neo4j',
      password: 'pw',
      storeName: 'team-a',
    });
    expect(neo4jTarget({}, { NEO4J_URI: 'bolt://b', NEO4J_PASSWORD: 'pw' })).toEqual({ uri: 'bolt://b', user: undefined, password: undefined, storeName: undefined });
  });
});
