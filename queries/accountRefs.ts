/**
 * Accounts and token owners as both query engines report them: what a subject name resolves to
 * (`accountsOf`) and who owns a token (`tokenOwner`), on any GraphReader — the embedded
 * snapshot, or the small graph the Neo4j engine fetched for the names asked about.
 */
import { nodeName, sourceOfKey } from '../src/model/props.js';
import { SOURCES } from '../ingest/sources.js';
import type { GraphReader } from '../src/store/GraphReader.js';
import { resolveAccounts } from './residual.js';

export interface AccountRef {
  source: string;
  sourceKey: string;
  id: string;
  name: string;
}

/** The accounts `name` resolves to in `g` (both engines). */
export function accountsOf(g: GraphReader, name: string): AccountRef[] {
  const out: AccountRef[] = [];
  for (const key of resolveAccounts(g, name)) {
    const n = g.node(key);
    if (n) out.push({ source: sourceOfKey(n.sourceKey), sourceKey: n.sourceKey, id: n.id, name: nodeName(n) });
  }
  return out;
}

/** The owner of a token in `g` (both engines): the property its source's `tokenOwners` names (Okta: an API token's `userId`). */
export function tokenOwner(g: GraphReader, tokenId: string): string | null {
  for (const k of g.lookup(tokenId)) {
    const n = g.node(k);
    const prop = n && SOURCES.tokenOwnerProp(n.kind);
    const owner = prop ? n.props[prop] : undefined;
    if (typeof owner === 'string') return owner;
  }
  return null;
}
