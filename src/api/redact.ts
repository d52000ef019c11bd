/**
 * Secrets out of logs. A URL is redacted by parsing it, not by pattern-matching the raw text: the
 * path is split into segments and the query into parameters, each name and value is decoded
 * (percent-encoding and `+`) the way the server itself decodes them, and then
 * - the value of a parameter whose decoded name is a credential (`key`, `token`, `secret`, …, in
 *   any case or encoding: `?%6Bey=`, `?KEY=`) is replaced by `…`;
 * - any segment or value that contains an API key (`rvn_<prefix>_…`) once decoded is replaced too;
 * - a name or value that does not decode is replaced as a whole (it cannot be checked).
 * The fragment is dropped. Free text (an error message) loses API-key-shaped substrings.
 */

/** Query parameter names whose values are credentials (compared decoded and lower-cased). */
const SECRET_PARAMS = new Set(['key', 'apikey', 'api_key', 'api-key', 'token', 'access_token', 'id_token', 'secret', 'client_secret', 'password', 'clientstate', 'authorization', 'sig', 'signature']);

/** An API key, or enough of one to be one (the visible prefix and the start of the secret). */
const API_KEY = /rvn_[0-9a-f]{8}_/i;

const HIDDEN = '…';

function decode(s: string, plus: boolean): string | null {
  try {
    return decodeURIComponent(plus ? s.replace(/\+/g, ' ') : s);
  } catch {
    return null;
  }
}

const carriesKey = (raw: string, decoded: string | null) => API_KEY.test(raw) || (decoded !== null && API_KEY.test(decoded));

/** The URL (path and query, as a request line carries it) with every credential hidden. */
export function redactUrl(url: string): string {
  const hash = url.indexOf('#');
  const noFragment = hash >= 0 ? url.slice(0, hash) : url;
  const q = noFragment.indexOf('?');
  const path = q >= 0 ? noFragment.slice(0, q) : noFragment;
  const query = q >= 0 ? noFragment.slice(q + 1) : null;
  const outPath = path
    .split('/')
    .map((seg) => {
      const d = decode(seg, false);
      return d === null || carriesKey(seg, d) ? (seg ? HIDDEN : seg) : seg;
    })
    .join('/');
  if (query === null) return outPath;
  const outQuery = query
    .split('&')
    .map((part) => {
      if (!part) return part;
      const eq = part.indexOf('=');
      const rawName = eq >= 0 ? part.slice(0, eq) : part;
      const rawValue = eq >= 0 ? part.slice(eq + 1) : '';
      const name = decode(rawName, true);
      if (name === null || carriesKey(rawName, name)) return `${HIDDEN}=${HIDDEN}`;
      const shownName = encodeURIComponent(name);
      if (eq < 0) return shownName;
      const value = decode(rawValue, true);
      if (value === null || SECRET_PARAMS.has(name.trim().toLowerCase()) || carriesKey(rawValue, value)) return `${shownName}=${HIDDEN}`;
      return `${shownName}=${rawValue}`;
    })
    .join('&');
  return `${outPath}?${outQuery}`;
}

/** Free text (a refusal reason, an error message) without API-key-shaped substrings. */
export function redactText(text: string): string {
  return text.replace(/rvn_[0-9a-f]{8}_[A-Za-z0-9_-]*/gi, `rvn_${HIDDEN}`);
}

/** Whether a header value (e.g. a client's x-request-id) carries an API key. */
export function looksLikeKey(value: string): boolean {
  return API_KEY.test(value) || (decode(value, false) !== null && API_KEY.test(decode(value, false)!));
}
