/**
 * Resolving a principal or resource named on the command line or in an API call — an account, a
 * group, an application or service principal (by id, name or appId), a credential (by keyId),
 * a role (by name or template id), an Okta app — to exactly one node. An owner and its own
 * instances named together resolve to the owner (a source's `resolvesToOwner`: an Entra
 * application and its service principals, as control of it includes them); anything else
 * ambiguous is refused with the candidates listed. Which kinds can be named, and the prefixes,
 * come from the source registry.
 */
import { InputError, NotFoundError } from '../src/model/errors.js';
import { NodeKind } from '../src/model/schema.js';
import type { GraphNode } from '../src/model/types.js';
import type { GraphReader } from '../src/store/GraphReader.js';
import { SOURCES } from '../ingest/sources.js';

/**
 * Whether a node may be named: not a person, nor a record or event that holds no access of its
 * own (HR people, audit events: the registry's `records` and `inert` kinds).
 */
function nameable(n: GraphNode): boolean {
  return n.kind !== NodeKind.Person && SOURCES.isNameable(n.kind);
}

/** `a`, `a or b`, `a, b or c`. */
function orList(xs: readonly string[]): string {
  return xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`;
}

/**
 * A name optionally prefixed with its source (`entra:alice@contoso.com`): the source kind, or
 * null, and the name itself. An Okta org URL (`okta:https://…`) is not a prefix.
 */
export function splitSourcePrefix(name: string, kinds: readonly string[]): { source: string | null; name: string } {
  const want = name.trim();
  const i = want.indexOf(':');
  const kind = i > 0 ? want.slice(0, i).toLowerCase() : '';
  const rest = want.slice(i + 1);
  if (!kinds.includes(kind) || rest === '' || /^https?:/i.test(rest)) return { source: null, name: want };
  return { source: kind, name: rest };
}

export function resolveNode(g: GraphReader, name: string, what = 'principal'): GraphNode {
  const { source, name: want } = splitSourcePrefix(name, SOURCES.kinds());
  let nodes = g
    .lookup(want)
    .map((k) => g.node(k))
    .filter((n): n is GraphNode => !!n && nameable(n));
  if (source) nodes = nodes.filter((n) => n.sourceKey.startsWith(`${source}:`));
  if (nodes.length === 0) throw new NotFoundError(`${what} ${JSON.stringify(name)} not found (name it by id, UPN, login, mail, display name or appId)`);
  if (nodes.length === 1) return nodes[0];
  for (const { kind, instances } of SOURCES.ownerResolutions()) {
    const owners = nodes.filter((n) => n.kind === kind);
    if (owners.length !== 1) continue;
    const own = new Set(g.in(owners[0].key, instances).map((e) => e.from));
    if (nodes.every((n) => n === owners[0] || own.has(n.key))) return owners[0];
  }
  throw new InputError(
    `${what} ${JSON.stringify(name)} is ambiguous: ${nodes
      .slice(0, 10)
      .map((n) => `${n.kind} ${n.id} (${n.props.name})`)
      .join('; ')}${nodes.length > 10 ? `; and ${nodes.length - 10} more` : ''} — name it by id, or prefix ${orList(SOURCES.accountSources().map((k) => `${k}:`))}`,
  );
}
