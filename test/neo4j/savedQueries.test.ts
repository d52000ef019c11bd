/**
 * The saved queries for Neo4j Browser and Bloom (queries/cypher/*.cypher) run as written — with
 * `$param`s only — against snapshots loaded the way `revenant load --neo4j` loads them, and
 * return what the stored findings say: a person's residual paths, every live path to tier 0 with
 * its privilege path to the tenant, the ownerless machine identities with their owners.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Driver } from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../queries/loadSnapshot.js';
import type { FindingsDoc } from '../../queries/residual.js';
import { Neo4jStore } from '../../src/store/neo4jStore.js';
import { plain } from '../../src/store/neo4jGraph.js';
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { Store } from '../../src/store/Store.js';
import { readStoredFindings } from '../../src/store/storedFindings.js';
import { neo4jUri, openTestDriver } from '../support/neo4j.js';
import { ROOT, SCENARIOS } from '../support/scenarios.js';

const saved = (name: string) => readFileSync(join(ROOT, 'queries', 'cypher', `${name}.cypher`), 'utf8');

let driver: Driver;
let neo: Neo4jStore;
const loaded: { id: string; doc: FindingsDoc }[] = [];
const dirs: string[] = [];

async function run(name: string, params: Record<string, unknown>): Promise<Record<string, unknown>[]> {
  const { records } = await driver.executeQuery(saved(name), params);
  return records.map((r) => r.toObject());
}

beforeAll(async () => {
  driver = openTestDriver();
  neo = new Neo4jStore(driver, neo4jUri());
  for (const scenario of ['entra-owned-apps', 'entra-hybrid-and-alt-accounts', 'okta-service-apps-and-idps']) {
    const dir = mkdtempSync(join(tmpdir(), 'revenant-saved-'));
    dirs.push(dir);
    const store = new Store(dir);
    const { id } = await loadSnapshot(store, [join(SCENARIOS, scenario)]);
    const sdb = new SnapshotDb(store.pathOf(id));
    try {
      await neo.push(sdb, id, { ephemeral: true });
      loaded.push({ id, doc: readStoredFindings(sdb) });
    } finally {
      sdb.close();
    }
  }
}, 120_000);

afterAll(async () => {
  for (const { id } of loaded) await neo.remove(id).catch(() => undefined);
  await driver?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('saved queries', () => {
  it('are parameterized: no literal snapshot id, name or key in them', () => {
    for (const name of ['residual-paths-of-person', 'live-paths-to-tier0', 'ownerless-machine-identities']) {
      const text = saved(name);
      expect(text).toContain('$snapshot');
      expect(text).not.toMatch(/\b\d{8}-\d{6}-\d{3}\b/);
      expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    }
  });

  it('residual-paths-of-person: every stored finding of the person, with the path to what it names', async () => {
    for (const { id, doc } of loaded) {
      for (const subject of doc.subjects.filter((s) => s.findings > 0)) {
        const rows = await run('residual-paths-of-person', { snapshot: id, person: subject.name.toUpperCase() });
        const person = doc.persons.find((p) => p.accounts.some((a) => a.source === subject.source && a.id === subject.id));
        const accounts = new Set((person?.accounts ?? [{ source: subject.source, id: subject.id }]).map((a) => `${a.source}:${a.id}`));
        const want = doc.findings.filter((f) => accounts.has(`${f.subject.source}:${f.subject.id}`)).map((f) => f.id).sort();
        const got = rows.map((r) => plain((r.finding as { properties: { id: string } }).properties.id) as string).sort();
        expect(got, `${id} ${subject.name}`).toEqual(want);
        for (const r of rows) {
          const target = r.target as { properties: { key: string } } | null;
          const account = r.account as { properties: { key: string } };
          // An identity provider's policy is no edge of the graph: its finding has nothing to draw.
          if (target && target.properties.key !== account.properties.key && r.rule !== 'okta.idp-may-reactivate') {
            expect(r.residual, `${subject.name} → ${target.properties.key}`).not.toBeNull();
          }
        }
      }
    }
  });

  it('live-paths-to-tier0: every live finding reaching tier 0, with its privilege path to the tenant', async () => {
    let withPrivilegePath = 0;
    for (const { id, doc } of loaded) {
      const rows = await run('live-paths-to-tier0', { snapshot: id });
      const want = doc.findings.filter((f) => f.status === 'live' && f.reaches.tier0).map((f) => f.id).sort();
      expect(rows.map((r) => (r.finding as { properties: { id: string } }).properties.id).sort()).toEqual(want);
      withPrivilegePath += rows.filter((r) => r.privilege !== null).length;
    }
    expect(withPrivilegePath).toBeGreaterThan(0);
  });

  it('ownerless-machine-identities: the apps and service principals left with departed owners only', async () => {
    let seen = 0;
    for (const { id, doc } of loaded) {
      const rows = await run('ownerless-machine-identities', { snapshot: id });
      const want = [...new Set(doc.findings.filter((f) => f.rule === 'nhi.ownerless').map((f) => f.via.id))].sort();
      expect(rows.map((r) => (r.machine as { properties: { id: string } }).properties.id).sort()).toEqual(want);
      for (const r of rows) expect(Number(plain(r.ownerCount))).toBeGreaterThan(0);
      seen += rows.length;
    }
    expect(seen).toBeGreaterThan(0);
  });
});
