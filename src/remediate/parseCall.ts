/**
 * Reads the remediation calls findings carry (`POST /applications/{id}/removePassword {"keyId":"…"}`,
 * `DELETE /api/v1/apps/0oa…/users/00u…`, `POST /api/v1/users/00u…/lifecycle/deactivate (removes …)`)
 * into method, path and body, and matches a call to the action kind whose route it follows,
 * with the route's parameters (`{collection:applications|servicePrincipals}` allows only those
 * values; `{scope*}` any number of segments). A remediation line that is not an API call is a
 * manual step.
 */
import type { ActionKind, Call, StepRef } from '../model/remediation.js';

const METHODS = new Set(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']);

/**
 * A remediation line as a call, or null when it is prose (a manual step). An absolute https URL
 * (Azure Resource Manager's `DELETE https://management.azure.com/…`) keeps its origin in `origin`.
 */
export function parseCall(line: string): Call | null {
  const m = /^([A-Z]+) ((?:https:\/\/[^/\s]+)?\/\S*)(?: (.*))?$/.exec(line.trim());
  if (!m || !METHODS.has(m[1])) return null;
  const origin = /^https:\/\/[^/]+/.exec(m[2])?.[0];
  let rest = (m[3] ?? '').trim();
  // A trailing remark in parentheses explains the call; it is not part of it.
  if (rest.startsWith('(') && rest.endsWith(')')) rest = '';
  const call: Call = { method: m[1] as Call['method'], path: origin ? m[2].slice(origin.length) : m[2], ...(origin ? { origin } : {}) };
  if (rest) {
    try {
      call.body = JSON.parse(rest);
    } catch {
      call.body = rest;
    }
  }
  return call;
}

interface Compiled {
  re: RegExp;
  names: string[];
}

const compiled = new Map<string, Compiled>();

function compile(template: string): Compiled {
  let c = compiled.get(template);
  if (!c) {
    const names: string[] = [];
    const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const src = template
      .split('/')
      .map((seg, i) => {
        // `{name*}`: any number of whole segments (an ARM scope: "", /subscriptions/S, …), with their slashes.
        const star = /^\{(\w+)\*\}$/.exec(seg);
        if (star) {
          names.push(star[1]);
          return '((?:/[^/?]+)*?)';
        }
        const p = /^\{(\w+)(?::([^}]+))?\}$/.exec(seg);
        const part = !p ? esc(seg) : (names.push(p[1]), p[2] ? `(${p[2].split('|').map(esc).join('|')})` : '([^/?]+)');
        return i === 0 ? part : `/${part}`;
      })
      .join('');
    c = { re: new RegExp(`^${src}$`), names };
    compiled.set(template, c);
  }
  return c;
}

/** The step a call makes with one of `kinds`, or null when none of their routes fits. */
export function matchCall(call: Call, kinds: readonly ActionKind[]): StepRef | null {
  const path = call.path.split('?')[0];
  for (const k of kinds) {
    if (k.route.method !== call.method || (k.route.origin ?? null) !== (call.origin ?? null)) continue;
    const { re, names } = compile(k.route.path);
    const m = re.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
    if (call.body && typeof call.body === 'object' && !Array.isArray(call.body)) {
      for (const [key, v] of Object.entries(call.body as Record<string, unknown>)) if (typeof v === 'string' && !(key in params)) params[key] = v;
    }
    Object.assign(params, k.params?.(call) ?? {});
    return { kind: k.kind, call, params };
  }
  return null;
}
