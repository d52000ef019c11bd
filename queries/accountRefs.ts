/**
 * Accounts and token owners as both query engines report them: what a subject name resolves to
 * (`accountsOf`) and who owns an Okta API token (`tokenOwner`), on any GraphReader — the embedded
 * snapshot, or the small graph the Neo4j engine fetched for the names asked about.
 */
import { nodeName, sourceOfKey } from '../src/model/props.js';
import { NodeKind } from '../src/model/schema.js';
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

/** The owner of an Okta API token in `g` (both engines). */
export function tokenOwner(g: GraphReader, tokenId: string): string | null {
  for (const k of g.lookup(tokenId)) {
    const n = g.node(k);
    if (n?.kind === NodeKind.OktaApiToken && typeof n.props.userId === 'string') return n.props.userId;
  }
  return null;
}
