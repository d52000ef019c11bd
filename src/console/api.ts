/**
 * The console's only way to the server: JSON calls to /v1 with the session cookie (same origin).
 * A 401 means the session expired or was signed out: the browser goes to the sign-in page, which
 * brings it back here afterwards. Other errors carry the API's message for the view to show.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type Params = Record<string, string | number | boolean | readonly string[] | undefined | null>;

export function query(params: Params = {}): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const x of v) u.append(k, String(x));
    else u.append(k, String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}

// Views often ask several things at once; when the session is gone they all get 401, and each
// new navigation would abort the one before it. Go to sign-in once.
let signingIn = false;

export function signIn(): never {
  if (!signingIn) {
    signingIn = true;
    window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }
  throw new ApiError(401, 'signing in again');
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const r = await fetch(path, {
    method,
    signal,
    credentials: 'same-origin',
    headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (r.status === 401) signIn();
  const text = await r.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  if (!r.ok) throw new ApiError(r.status, (json as { message?: string } | null)?.message ?? `${r.status} ${r.statusText}`);
  return json as T;
}

export const get = <T>(path: string, params?: Params, signal?: AbortSignal) => call<T>('GET', `${path}${query(params)}`, undefined, signal);
export const post = <T>(path: string, body: unknown) => call<T>('POST', path, body);
