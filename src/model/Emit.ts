/**
 * The interface a dataset transform writes graph facts through. Transforms are pure functions
 * of one raw line: they call `node`, `ref` and `edge` and never do I/O; the loader behind the
 * interface adds provenance (the file and line being read), numbers nodes, and creates a stub
 * for any object referenced but never listed (a device member, an owner outside users.jsonl).
 */
import type { EdgeKind, NodeKind } from './schema.js';
import type { BaseProps, EdgeProps } from './types.js';

/** An opaque handle to a node, returned by `node` and `ref` and passed to `edge`. */
export type NodeRef = number & { readonly __nodeRef: unique symbol };

export interface Emit {
  /** `entra:<tenant>` etc. */
  readonly sourceKey: string;
  /** Define (or complete) a node. `space`: an IdSpace (ids.ts), or a registered source's own id space (a short word). */
  node(kind: NodeKind, space: string, id: string, props: BaseProps): NodeRef;
  /** Reference a node that may be defined elsewhere; if it never is, a stub of `kind` is made. */
  ref(kind: NodeKind, space: string, id: string, name?: string): NodeRef;
  /** An edge between two nodes (from `node` or `ref`). */
  edge(kind: EdgeKind, from: NodeRef, to: NodeRef, props?: EdgeProps): void;
}

/** A dataset transform: one validated raw line in, graph facts out through `emit`. */
export type Transform = (raw: Record<string, unknown>, emit: Emit) => void;
