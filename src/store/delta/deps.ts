/**
 * Dependency codes: what an analysis unit read, as numbers a delta can be matched against —
 * node n's row is n·256; its edges of kind k (index in EDGE_KINDS) in direction d (0 out, 1 in)
 * are n·256 + 1 + 64·d + k. Exact integers up to 2^53 (node numbers up to ~3.5·10^13).
 */
export const DEP_STRIDE = 256;

export function nodeDep(nid: number): number {
  return nid * DEP_STRIDE;
}

export function edgeDep(nid: number, dir: 0 | 1, kindIndex: number): number {
  return nid * DEP_STRIDE + 1 + dir * 64 + kindIndex;
}
