/**
 * Reading a node's properties by its kind, the one way: `propsOf(n, NodeKind.OktaApp)` returns
 * the kind's property type (NodePropsByKind) after checking that the node is of that kind — no
 * `props as unknown as X` casts. Also the repeated idioms of naming a node: its display name
 * (`nodeName`) and the source kind of its source key (`sourceOfKey`).
 */
import type { NodeKind } from './schema.js';
import type { GraphNode, NodePropsByKind } from './types.js';

/**
 * The properties of `n`, typed by its kind. Throws when `n` is of none of `kinds` (a programming
 * error: callers pass the kind they already matched or the edge's target kinds).
 */
export function propsOf<K extends NodeKind>(n: GraphNode, ...kinds: [K, ...K[]]): NodePropsByKind[K] {
  if (kinds.length === 1 ? n.kind !== kinds[0] : !(kinds as string[]).includes(n.kind)) {
    throw new Error(`propsOf: node ${n.key} is a ${n.kind}, not a ${kinds.join(' or ')}`);
  }
  return n.props as unknown as NodePropsByKind[K];
}

/** The properties of `n` typed by its kind when it is one of `kinds`; otherwise undefined (also for no node). */
export function propsIf<K extends NodeKind>(n: GraphNode | null | undefined, ...kinds: [K, ...K[]]): NodePropsByKind[K] | undefined {
  if (!n || !(kinds as string[]).includes(n.kind)) return undefined;
  return n.props as unknown as NodePropsByKind[K];
}

/**
 * Typed property readers for a source's own node kinds (kinds a source registers, outside the core
 * `NodeKind`): `of(n, kind)` checks the kind and throws on another (a programming error), `when(n,
 * kind)` gives undefined for another kind or no node. `name` prefixes the error (`githubProps`).
 */
export function kindPropsReaders<ByKind>(name: string): {
  of: <K extends keyof ByKind & string>(n: GraphNode, kind: K) => ByKind[K];
  when: <K extends keyof ByKind & string>(n: GraphNode | null | undefined, kind: K) => ByKind[K] | undefined;
} {
  return {
    of: <K extends keyof ByKind & string>(n: GraphNode, kind: K): ByKind[K] => {
      if ((n.kind as string) !== kind) throw new Error(`${name}: node ${n.key} is a ${n.kind}, not a ${kind}`);
      return n.props as unknown as ByKind[K];
    },
    when: <K extends keyof ByKind & string>(n: GraphNode | null | undefined, kind: K): ByKind[K] | undefined =>
      n && (n.kind as string) === kind ? (n.props as unknown as ByKind[K]) : undefined,
  };
}

/** A node's display name, or its id when it has none. */
export function nodeName(n: GraphNode): string {
  return String(n.props.name ?? n.id);
}

/** The source kind of a source key (`entra:<tenant>` → `entra`). */
export function sourceOfKey(sourceKey: string): string {
  const i = sourceKey.indexOf(':');
  return i < 0 ? sourceKey : sourceKey.slice(0, i);
}
