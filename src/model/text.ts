/**
 * A raw value (a JSON field, a node property) as text, the one way: '' for null or undefined,
 * else `String(v)`. Raw API objects are `unknown` until narrowed; printing or comparing one of
 * their fields goes through here rather than `String(v ?? '')` at each place.
 */
export function text(v: unknown): string {
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the one place a raw value becomes text, as String() prints it
  return v === null || v === undefined ? '' : String(v);
}
