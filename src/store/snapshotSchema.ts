/**
 * The SQLite schema of one snapshot file. A snapshot is immutable once written: nodes with their
 * properties and provenance; edges as the compact adjacency blobs (Adjacency.ts) with the few
 * edge properties in a side table; the sources and their completeness ledgers; the input files
 * with their hashes; and a name index for resolving subjects. Indexes are created after the bulk
 * insert (much faster than maintaining them row by row).
 */

export const SNAPSHOT_SCHEMA_VERSION = 3;

export const CREATE_TABLES = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources (
  idx INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  tenant TEXT NOT NULL,
  source_key TEXT NOT NULL,
  folder TEXT NOT NULL,
  path TEXT NOT NULL,
  collected_at TEXT NOT NULL,
  manifest TEXT NOT NULL
);
CREATE TABLE files (
  idx INTEGER PRIMARY KEY,
  source_idx INTEGER,
  name TEXT NOT NULL,
  objects INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL
);
CREATE TABLE kinds (code INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE nodes (
  nid INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  id TEXT NOT NULL,
  kind INTEGER NOT NULL,
  props TEXT NOT NULL,
  file INTEGER,
  line INTEGER
);
CREATE TABLE adjacency (name TEXT NOT NULL, chunk INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (name, chunk));
CREATE TABLE edge_props (eid INTEGER PRIMARY KEY, props TEXT NOT NULL);
CREATE TABLE names (name TEXT NOT NULL, nid INTEGER NOT NULL);
`;

export const CREATE_INDEXES = `
CREATE UNIQUE INDEX nodes_key ON nodes(key);
CREATE INDEX nodes_kind ON nodes(kind);
CREATE INDEX names_name ON names(name);
`;

/** Node and edge kind codes share one table: node kinds from 1, edge kinds from 101. */
export const EDGE_CODE_BASE = 101;
