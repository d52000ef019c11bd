/**
 * The tables of a delta snapshot file, beside the ordinary snapshot tables (snapshotSchema.ts):
 * a delta snapshot stores only what changed on top of its base snapshot (`meta.base`, another
 * file of the same store, full or itself a delta). Node rows it holds replace the base's (same
 * node numbers; new nodes continue the numbering), `node_gone` lists the nodes that no longer
 * exist, and `adj_rows` holds, for every node whose edges changed, its complete list of edge ends
 * in one direction (the compact adjacency's records, sorted by kind then edge id). New edge ids
 * and input-file indexes continue the base's. The name index holds the names of the node rows
 * it holds; the record index, the new input files' records and the keys removed. The analysis is
 * stored as a change too (see storedFindings.ts).
 */

export const DELTA_KIND = 'delta';

export const CREATE_DELTA_TABLES = `
CREATE TABLE IF NOT EXISTS node_gone (nid INTEGER PRIMARY KEY, key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS adj_rows (nid INTEGER NOT NULL, dir INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (nid, dir));
`;

/** Indexes a delta file needs for point reads (created with the tables: a delta is small). */
export const CREATE_DELTA_INDEXES = `
CREATE UNIQUE INDEX IF NOT EXISTS nodes_key ON nodes(key);
CREATE INDEX IF NOT EXISTS nodes_kind ON nodes(kind);
CREATE INDEX IF NOT EXISTS names_name ON names(name);
CREATE INDEX IF NOT EXISTS node_gone_key ON node_gone(key);
`;

/** Direction codes in `adj_rows`. */
export const OUT = 0;
export const IN = 1;
