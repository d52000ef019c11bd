/**
 * `revenant export --format bloodhound`: the snapshot as BloodHound OpenGraph JSON. The output is
 * validated against BloodHound CE's own JSON Schemas (vendored in test/fixtures/bloodhound with
 * their source), holds every node and edge of the snapshot, and carries the findings as node
 * properties on exactly the scenario's expected subjects.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { Store } from '../../src/store/Store.js';
import { cleanupTemps, cli, cliLoad, scenario, tempDir } from '../api/helpers.js';
import { ROOT, expectedOf } from '../support/scenarios.js';

const FIX = join(ROOT, 'test', 'fixtures', 'bloodhound');
const schema = (f: string) => JSON.parse(readFileSync(join(FIX, f), 'utf8'));

let storeDir: string;
let snapshot: string;
let doc: { metadata: { source_kind: string }; graph: { nodes: { id: string; kinds: string[]; properties: Record<string, unknown> }[]; edges: { start: { value: string }; end: { value: string }; kind: string; properties: Record<string, unknown> }[] } };

beforeAll(async () => {
  storeDir = tempDir();
  snapshot = await cliLoad(storeDir, scenario('entra-owned-apps'));
  const out = join(storeDir, 'bh.json');
  const r = await cli('export', '--format', 'bloodhound', '--out', out, '--store', storeDir);
  expect(r.code, r.stderr).toBe(0);
  doc = JSON.parse(readFileSync(out, 'utf8'));
});

afterAll(() => cleanupTemps());

describe('revenant export --format bloodhound', () => {
  it('is valid OpenGraph: every node, edge and the metadata pass BloodHound CE schemas', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const node = ajv.compile(schema('node.json'));
    const edge = ajv.compile(schema('edge.json'));
    const meta = ajv.compile(schema('metadata.json'));
    expect(Object.keys(doc).sort()).toEqual(['graph', 'metadata']);
    expect(meta(doc.metadata), JSON.stringify(meta.errors)).toBe(true);
    expect(doc.metadata.source_kind).toBe('Revenant');
    for (const n of doc.graph.nodes) expect(node(n), `${n.id}: ${JSON.stringify(node.errors)}`).toBe(true);
    for (const e of doc.graph.edges) expect(edge(e), `${e.kind}: ${JSON.stringify(edge.errors)}`).toBe(true);
    // Arrays are homogeneous (the schema's words, beyond what it can check).
    for (const n of doc.graph.nodes) for (const v of Object.values(n.properties)) if (Array.isArray(v)) expect(new Set(v.map((x) => typeof x)).size).toBeLessThanOrEqual(1);
  });

  it('holds every node and edge of the snapshot, each edge between exported nodes', () => {
    const db = new SnapshotDb(new Store(storeDir).pathOf(snapshot));
    try {
      expect(doc.graph.nodes.length).toBe((db.db.prepare('SELECT count(*) AS n FROM nodes').get() as { n: number }).n);
      expect(doc.graph.edges.length).toBe([...db.edges()].length);
    } finally {
      db.close();
    }
    const ids = new Set(doc.graph.nodes.map((n) => n.id));
    expect(ids.size).toBe(doc.graph.nodes.length);
    for (const e of doc.graph.edges) {
      expect(ids.has(e.start.value)).toBe(true);
      expect(ids.has(e.end.value)).toBe(true);
      expect(e.kind).toMatch(/^RV_[A-Za-z0-9]+$/);
    }
    expect(new Set(doc.graph.edges.map((e) => e.kind))).toContain('RV_HasCredential');
  });

  it('carries the findings as properties of their subjects and via objects', () => {
    const exp = expectedOf('entra-owned-apps');
    const byId = new Map<string, (typeof doc.graph.nodes)[number][]>();
    for (const n of doc.graph.nodes) {
      const id = String(n.properties.rv_id);
      byId.set(id, [...(byId.get(id) ?? []), n]);
    }
    const perSubject = new Map<string, number>();
    for (const f of exp.findings) perSubject.set(f.subject, (perSubject.get(f.subject) ?? 0) + 1);
    for (const [subject, count] of perSubject) {
      const n = byId.get(subject)!.find((x) => x.kinds[0] === 'RV_EntraUser')!;
      expect(n.properties.rv_findings, subject).toBe(count);
      expect(n.properties.rv_departed).toBe(true);
      expect(n.properties.rv_closed).toBe(false);
      expect(new Set(n.properties.rv_rules as string[])).toEqual(new Set(exp.findings.filter((f) => f.subject === subject).map((f) => f.rule)));
    }
    for (const f of exp.findings) expect(byId.get(f.via)!.some((x) => Number(x.properties.rv_via_findings) >= 1), f.via).toBe(true);
    for (const id of exp.closed ?? []) expect(byId.get(id)!.find((x) => x.kinds[0] === 'RV_EntraUser')!.properties.rv_closed).toBe(true);
    const crit = exp.findings.find((f) => f.severity === 'critical')!;
    expect(byId.get(crit.subject)!.find((x) => x.kinds[0] === 'RV_EntraUser')!.properties.rv_worst_severity).toBe('critical');
  });

  it('refuses an unknown format with exit code 2', async () => {
    const r = await cli('export', '--format', 'graphml', '--store', storeDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--format must be bloodhound');
  });
});
