/**
 * Power-law sizes for groups, assignments and app users: `size(k) = min(cap, floor + c/(k+1)^alpha)`
 * for ranks k = 0..count-1, with c fitted by bisection so that the sizes add up to about
 * `target`. A few huge groups, many small ones, and a total that grows linearly with the tenant.
 */
export function powerLawSizes(count: number, target: number, cap: number, alpha: number, floor: number): number[] {
  if (count <= 0) return [];
  cap = Math.max(floor, Math.floor(cap));
  const sizes = (c: number) => {
    const out: number[] = [];
    for (let k = 0; k < count; k++) out.push(Math.min(cap, floor + Math.floor(c / Math.pow(k + 1, alpha))));
    return out;
  };
  const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
  let lo = 0;
  let hi = Math.max(1, target) * 4;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    if (sum(sizes(mid)) < target) lo = mid;
    else hi = mid;
  }
  return sizes(hi);
}
