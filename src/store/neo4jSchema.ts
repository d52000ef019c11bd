/**
 * How a snapshot is laid out in Neo4j, defined once. Every graph node is a `:RevenantNode` with
 * one more label, its node kind (`:EntraUser`, `:OktaApp` …); every relationship's type is its
 * edge kind. Both come only from the schema constants in src/model/schema.ts: `nodeLabel()` and
 * `relType()` refuse anything else, so no label or type is ever taken from data. Every node and
 * relationship carries `snapshot` (the snapshot id): several snapshots coexist in one database and
 * every query names its snapshot. Beside the graph: one `:RevenantSnapshot` per snapshot (status,
 * sources and their ledgers, input files, the stored analysis), one `:RevenantFinding` per stored
 * finding, and the `:RevenantStore` singleton whose `latest` names the newest complete snapshot.
 *
 * Node properties: `snapshot`, `key`, `id`, `kind`, `source` (the source key), `props` (the
 * node's properties as JSON, exact), `file`/`line` (provenance: index into the snapshot's file
 * table, and line), `nid`, and `lk0`…`lk7` (the node's lower-cased lookup names — id, display
 * name, UPN, mail, login, employee id, appId … as the embedded store's name index has them — in
 * indexed slots); then every scalar or string-list property flattened for Cypher (`accountEnabled`,
 * `status`, `appId` …), `<field>Ms` (epoch milliseconds, parsed with the engine's own `instant()`)
 * for every date-time field, and a few values prepared for rules (`keyIdLower`, the audit event's
 * `targetIds` / `modTarget` / `modNew` / `modOld`). Relationship properties: `snapshot`, `seq`
 * (the edge's order in the snapshot, so "first" means the same in both engines), `file`, `line`,
 * `props` (JSON, when the edge has properties) and those properties flattened.
 */
import type { Driver } from 'neo4j-driver';
import { EDGE_KINDS, type EdgeKind, NODE_KINDS, NodeKind } from '../model/schema.js';
import { instant } from '../model/time.js';
import { StoreError } from '../model/errors.js';
import { text } from '../model/text.js';
import { SOURCES } from '../../ingest/sources.js';

/** Labels and relationship types that are not graph kinds. */
export const Neo4jLabel = {
  node: 'RevenantNode',
  snapshot: 'RevenantSnapshot',
  store: 'RevenantStore',
  finding: 'RevenantFinding',
} as const;

export const Neo4jRel = {
  // (:RevenantFinding)-[:FINDING_SUBJECT]->(:EntraUser|OktaUser)
  findingSubject: 'FINDING_SUBJECT',
  // (:RevenantFinding)-[:FINDING_VIA]->(any graph node)
  findingVia: 'FINDING_VIA',
} as const;

/** The one `:RevenantStore` node's name. */
export const STORE_NAME = 'default';

const IDENT = /^[A-Za-z][A-Za-z0-9_]*$/;
const NODE_KIND_SET = new Set<string>(NODE_KINDS);
const EDGE_KIND_SET = new Set<string>(EDGE_KINDS);
const OWN_LABELS = new Set<string>(Object.values(Neo4jLabel));
const OWN_RELS = new Set<string>(Object.values(Neo4jRel));

/** A node kind as a label for query text. Throws for anything that is not a schema constant. */
export function nodeLabel(kind: string): string {
  if (!(NODE_KIND_SET.has(kind) || OWN_LABELS.has(kind) || SOURCES.contributedNodeKinds().includes(kind as NodeKind)) || !IDENT.test(kind)) throw new Error(`neo4j: ${JSON.stringify(kind)} is not a node kind of the schema`);
  return kind;
}

/** An edge kind as a relationship type for query text. Throws for anything that is not a schema constant. */
export function relType(kind: string): string {
  if (!(EDGE_KIND_SET.has(kind) || OWN_RELS.has(kind) || SOURCES.contributedEdgeKinds().includes(kind as EdgeKind)) || !IDENT.test(kind)) throw new Error(`neo4j: ${JSON.stringify(kind)} is not an edge kind of the schema`);
  return kind;
}

/** `A|B|C` for a relationship pattern. */
export function relTypes(kinds: readonly string[]): string {
  return kinds.map(relType).join('|');
}

/** `(n:A OR n:B)` — a label test on a variable (the variable is ours, never data). */
export function hasLabel(variable: string, kinds: readonly string[]): string {
  if (!IDENT.test(variable)) throw new Error(`neo4j: bad variable ${variable}`);
  return `(${kinds.map((k) => `${variable}:${nodeLabel(k)}`).join(' OR ')})`;
}

/** Date-time properties; each gets a numeric `<name>Ms` twin (epoch ms, via `instant()`). */
const TIME_FIELDS: readonly string[] = [
  'startDateTime',
  'endDateTime',
  'activityDateTime',
  'employeeLeaveDateTime',
  'signInSessionsValidFromDateTime',
  'deletedDateTime',
  'statusChanged',
  'expiresAt',
  'created',
  'published',
  'terminationDate',
];

/** How many lookup names a node can have (id, display name and up to three more; room for names of a node defined twice). */
export const LOOKUP_SLOTS = 8;
export const lookupSlot = (i: number): string => `lk${i}`;

const RESERVED_NODE = new Set(['snapshot', 'key', 'id', 'kind', 'source', 'props', 'file', 'line', 'nid', 'keyIdLower', 'targetIds', 'modTarget', 'modNew', 'modOld']);
const RESERVED_REL = new Set(['snapshot', 'seq', 'file', 'line', 'props']);
for (let i = 0; i < LOOKUP_SLOTS; i++) RESERVED_NODE.add(lookupSlot(i));
for (const f of TIME_FIELDS) RESERVED_NODE.add(`${f}Ms`);

type Scalar = string | number | boolean;
/** A property value as the push writes it. */
export type PropValue = Scalar | string[];

function flatValue(v: unknown): PropValue | undefined {
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  return undefined;
}

export interface NodeRowInput {
  nid: number;
  key: string;
  id: string;
  kind: string;
  sourceKey: string;
  props: Record<string, unknown>;
  propsJson: string;
  file: number | null;
  line: number | null;
  names: string[];
}

/** The property map of one graph node in Neo4j (without `snapshot`, which the query adds). */
export function nodeProperties(n: NodeRowInput): Record<string, PropValue> {
  const out: Record<string, PropValue> = {};
  for (const [k, v] of Object.entries(n.props)) {
    if (RESERVED_NODE.has(k)) continue;
    const f = flatValue(v);
    if (f !== undefined) out[k] = f;
  }
  for (const f of TIME_FIELDS) {
    const t = instant(n.props[f]);
    if (t !== null) out[`${f}Ms`] = t;
  }
  if (typeof n.props.keyId === 'string') out.keyIdLower = n.props.keyId.toLowerCase();
  if (Array.isArray(n.props.targets)) {
    // Directory audit event targets, flattened for Cypher: one entry per modified property.
    const targets = n.props.targets as { id?: unknown; modifiedProperties?: { newValue?: unknown; oldValue?: unknown }[] }[];
    out.targetIds = targets.map((t) => text(t.id));
    const modTarget: string[] = [];
    const modNew: string[] = [];
    const modOld: string[] = [];
    for (const t of targets) {
      for (const m of t.modifiedProperties ?? []) {
        modTarget.push(text(t.id));
        modNew.push(typeof m.newValue === 'string' ? m.newValue.toLowerCase() : '');
        modOld.push(typeof m.oldValue === 'string' ? m.oldValue.toLowerCase() : '');
      }
    }
    out.modTarget = modTarget;
    out.modNew = modNew;
    out.modOld = modOld;
  }
  if (n.names.length > LOOKUP_SLOTS) {
    throw new StoreError(`neo4j: node ${n.key} has ${n.names.length} lookup names; the Neo4j layout holds ${LOOKUP_SLOTS} (raise LOOKUP_SLOTS)`);
  }
  out.key = n.key;
  out.id = n.id;
  out.kind = n.kind;
  out.source = n.sourceKey;
  out.props = n.propsJson;
  out.nid = n.nid;
  n.names.forEach((nm, i) => (out[lookupSlot(i)] = nm));
  if (n.file !== null) out.file = n.file;
  if (n.line !== null) out.line = n.line;
  return out;
}

/** The property map of one relationship (without `snapshot`). */
export function relProperties(seq: number, propsJson: string | null, file: number | null, line: number | null): Record<string, PropValue> {
  const out: Record<string, PropValue> = { seq };
  if (propsJson) {
    out.props = propsJson;
    for (const [k, v] of Object.entries(JSON.parse(propsJson) as Record<string, unknown>)) {
      if (RESERVED_REL.has(k)) continue;
      const f = flatValue(v);
      if (f !== undefined) out[k] = f;
    }
  }
  if (file !== null) out.file = file;
  if (line !== null) out.line = line;
  return out;
}


/** Schema statements, all idempotent: uniqueness constraints and the indexes queries rely on. */
function schemaStatements(): string[] {
  const N = Neo4jLabel.node;
  const out = [
    `CREATE CONSTRAINT revenant_node_key IF NOT EXISTS FOR (n:${N}) REQUIRE (n.snapshot, n.key) IS UNIQUE`,
    `CREATE CONSTRAINT revenant_snapshot_id IF NOT EXISTS FOR (s:${Neo4jLabel.snapshot}) REQUIRE s.id IS UNIQUE`,
    `CREATE CONSTRAINT revenant_store_name IF NOT EXISTS FOR (s:${Neo4jLabel.store}) REQUIRE s.name IS UNIQUE`,
    `CREATE CONSTRAINT revenant_finding_id IF NOT EXISTS FOR (f:${Neo4jLabel.finding}) REQUIRE (f.snapshot, f.id) IS UNIQUE`,
  ];
  for (let i = 0; i < LOOKUP_SLOTS; i++) {
    out.push(`CREATE INDEX revenant_node_${lookupSlot(i)} IF NOT EXISTS FOR (n:${N}) ON (n.snapshot, n.${lookupSlot(i)})`);
  }
  // Kinds scanned by kind (SOURCES.scannedKinds: every account kind for the departed-subject sweep,
  // tenant nodes, and what sources declare: identity providers, the saved queries' machine
  // identities). Other kinds are only reached from these or by key or name; a snapshot's nodes as
  // a whole are found through the (snapshot, key) uniqueness index.
  for (const kind of SOURCES.scannedKinds()) {
    out.push(`CREATE INDEX revenant_${nodeLabel(kind).toLowerCase()}_snapshot IF NOT EXISTS FOR (n:${nodeLabel(kind)}) ON (n.snapshot)`);
  }
  return out;
}

const ensured = new WeakSet<Driver>();

/** Create the constraints and indexes on first use (once per driver), and wait until they are online. */
export async function ensureNeo4jSchema(driver: Driver, database?: string): Promise<void> {
  if (ensured.has(driver)) return;
  const { records } = await driver.executeQuery('SHOW INDEXES YIELD name RETURN collect(name) AS names', {}, { database });
  const have = new Set(records[0]?.get('names') as string[]);
  const missing = schemaStatements().filter((s) => !have.has(/(?:CONSTRAINT|INDEX) (\w+) IF NOT EXISTS/.exec(s)![1]));
  for (const s of missing) await driver.executeQuery(s, {}, { database });
  if (missing.length) await driver.executeQuery('CALL db.awaitIndexes(300)', {}, { database });
  ensured.add(driver);
}
