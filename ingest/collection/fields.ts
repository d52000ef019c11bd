/**
 * Small readers for raw API objects: typed access to optional fields of already validated lines,
 * without repeating `typeof` checks in every transform.
 */

export type Raw = Record<string, unknown>;

export function str(o: Raw | null | undefined, k: string): string | null {
  const v = o?.[k];
  return typeof v === 'string' ? v : null;
}

export function bool(o: Raw | null | undefined, k: string): boolean | null {
  const v = o?.[k];
  return typeof v === 'boolean' ? v : null;
}

export function obj(o: Raw | null | undefined, k: string): Raw | null {
  const v = o?.[k];
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : null;
}

export function arr(o: Raw | null | undefined, k: string): Raw[] {
  const v = o?.[k];
  return Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Raw[]) : [];
}

export function strs(o: Raw | null | undefined, k: string): string[] {
  const v = o?.[k];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Follow a path of object keys: `path(o, 'policy', 'provisioning', 'conditions')`. */
export function path(o: Raw | null | undefined, ...keys: string[]): Raw | null {
  let cur: Raw | null | undefined = o;
  for (const k of keys) cur = obj(cur, k);
  return cur ?? null;
}
