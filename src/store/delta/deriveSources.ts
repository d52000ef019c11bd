/**
 * The sources' own load-time derivations on a delta (SourceDefinition `derive` and `asserted`,
 * which deriveGraph.ts runs on a whole load: GitHub's account → organisation edges, credentials
 * by login, workflow trust and IdP-asserted links; Azure's role-assignment holders). Each hook
 * reads nodes by kind and puts edges; it is run over the base and over the new graph (a
 * DeriveWriter on the DeltaGraph that lists what it puts), and the derived edges of every node
 * either run named are made what the new graph's run says: extra ones removed, missing ones added.
 * Only sources the base or the new collections hold are run.
 */
import type { AssertedLinks, DeriveWriter, SourceDefinition } from '../../model/source.js';
import type { EdgeKind } from '../../model/schema.js';
import type { EdgeProps } from '../../model/types.js';
import { SOURCES } from '../../../ingest/sources.js';
import { DeltaGraph } from './DeltaGraph.js';

interface Put {
  kind: EdgeKind;
  from: number;
  to: number;
  props: string | undefined;
}

const OUT = 0;

/** A DeriveWriter over the new graph (or the base, with `base`) that only records the edges put. */
function recorder(g: DeltaGraph, base: boolean): { w: DeriveWriter; puts: Put[] } {
  const puts: Put[] = [];
  const w: DeriveWriter = {
    nodesOf: (kind) => g.nodesOf(kind, base),
    putEdge: (kind: EdgeKind, from: number, to: number, props?: EdgeProps) => {
      puts.push({ kind, from, to, props: props ? JSON.stringify(props) : undefined });
    },
  };
  return { w, puts };
}

/** The sources (registered, with `hook`) that the base or the new collections hold. */
export function presentSources(g: DeltaGraph, kinds: readonly string[], hook: 'derive' | 'asserted'): SourceDefinition[] {
  const present = new Set([...g.base.sources().map((s) => s.source), ...kinds]);
  return SOURCES.all().filter((s) => s[hook] && present.has(s.kind));
}

/** Run each present source's `derive` on the delta: derived edges (no provenance) as a whole load would make them. */
export function deriveSourceEdges(g: DeltaGraph, sourceKinds: readonly string[]): void {
  for (const src of presentSources(g, sourceKinds, 'derive')) {
    const before = recorder(g, true);
    src.derive!(before.w);
    const after = recorder(g, false);
    src.derive!(after.w);
    const kinds = new Set([...before.puts, ...after.puts].map((p) => DeltaGraph.edgeIndex(p.kind)));
    // Per node the edges go out of: what the new run wants (kind, other end, properties), with multiplicity.
    const want = new Map<number, Map<string, { p: Put; n: number }>>();
    for (const p of after.puts) {
      const m = want.get(p.from) ?? want.set(p.from, new Map()).get(p.from)!;
      const sig = `${DeltaGraph.edgeIndex(p.kind)}|${p.to}|${p.props ?? ''}`;
      const e = m.get(sig);
      if (e) e.n++;
      else m.set(sig, { p, n: 1 });
    }
    for (const p of before.puts) if (!want.has(p.from)) want.set(p.from, new Map());
    for (const [from, m] of want) {
      if (!g.row(from)) continue;
      // Keep the derived edges the new run wants (once each), remove the rest of these kinds.
      g.removeEdges(from, OUT, (k, other, file, _line, eid) => {
        if (file >= 0 || !kinds.has(k)) return false;
        const e = m.get(`${k}|${other}|${g.edgePropsText(eid) ?? ''}`);
        if (e && e.n > 0) {
          e.n--;
          return false;
        }
        return true;
      });
      for (const { p, n } of m.values()) for (let i = 0; i < n; i++) if (g.row(p.to)) g.addEdge(p.kind, p.from, p.to, -1, -1, p.props);
    }
  }
}

/** The IdP-asserted links of the present sources over the base or the new graph (merged as deriveGraph merges them). */
export function assertedLinks(g: DeltaGraph, sourceKinds: readonly string[], base: boolean): AssertedLinks {
  const out = new Map<string, { key: string; value: string }[]>();
  for (const src of presentSources(g, sourceKinds, 'asserted')) {
    for (const [k, v] of src.asserted!(recorder(g, base).w)) out.set(k, [...(out.get(k) ?? []), ...v]);
  }
  return out;
}
