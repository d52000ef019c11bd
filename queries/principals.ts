/**
 * Resolving a principal or resource named on the command line or in an API call — an account, a
 * group, an application or service principal (by id, name or appId), a credential (by keyId),
 * a role (by name or template id), an Okta app — to exactly one node. An application and its
 * own service principal named together resolve to the application (control of it includes the
 * service principal); anything else ambiguous is refused with the candidates listed.
 */
import { InputError, NotFoundError } from '../src/model/errors.js';
import { EdgeKind, NodeKind } from '../src/model/schema.js';
import type { GraphNode } from '../src/model/types.js';
import type { GraphReader } from '../src/store/GraphReader.js';
import { SOURCES } from '../ingest/sources.js';

/** Records that hold no access of their own: never a principal or a resource to traverse from or to. */
const NOT_PRINCIPALS = new Set<string>([NodeKind.Person, NodeKind.HrPerson, NodeKind.EntraAuditEvent, NodeKind.OktaLogEvent]);

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
    .filter((n): n is GraphNode => !!n && !NOT_PRINCIPALS.has(n.kind));
  if (source) nodes = nodes.filter((n) => n.sourceKey.startsWith(`${source}:`));
  if (nodes.length === 0) throw new NotFoundError(`${what} ${JSON.stringify(name)} not found (name it by id, UPN, login, mail, display name or appId)`);
  if (nodes.length === 1) return nodes[0];
  const apps = nodes.filter((n) => n.kind === NodeKind.EntraApplication);
  if (apps.length === 1) {
    const sps = new Set(g.in(apps[0].key, EdgeKind.INSTANCE_OF).map((e) => e.from));
    if (nodes.every((n) => n === apps[0] || sps.has(n.key))) return apps[0];
  }
  throw new InputError(
    `${what} ${JSON.stringify(name)} is ambiguous: ${nodes
      .slice(0, 10)
      .map((n) => `${n.kind} ${n.id} (${n.props.name})`)
      .join('; ')}${nodes.length > 10 ? `; and ${nodes.length - 10} more` : ''} — name it by id, or prefix entra: or okta:`,
  );
}
