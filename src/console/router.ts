/**
 * Every view has a URL: the path picks the view, the query string holds its state (filters,
 * sort, page, what-if). Navigation uses the History API, so reload, back and forward work and
 * links can be shared; plain links (<a href>) are intercepted for in-app navigation.
 */
import { useEffect, useState } from 'preact/hooks';

export interface Location {
  path: string;
  params: URLSearchParams;
}

const listeners = new Set<() => void>();
const current = (): Location => ({ path: window.location.pathname, params: new URLSearchParams(window.location.search) });

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === window.location.pathname + window.location.search) return;
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  for (const l of listeners) l();
  if (!opts.replace) window.scrollTo(0, 0);
}

/** Replace some query parameters of the current URL (state changes within a view). */
export function setParams(changes: Record<string, string | readonly string[] | null | undefined>, opts: { replace?: boolean } = {}): void {
  const p = new URLSearchParams(window.location.search);
  for (const [k, v] of Object.entries(changes)) {
    p.delete(k);
    if (v === null || v === undefined || v === '') continue;
    if (Array.isArray(v)) for (const x of v as unknown[]) p.append(k, String(x));
    else p.set(k, v as string);
  }
  const s = p.toString();
  navigate(`${window.location.pathname}${s ? `?${s}` : ''}`, opts);
}

export function useLocation(): Location {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const on = () => setLoc(current());
    listeners.add(on);
    window.addEventListener('popstate', on);
    return () => {
      listeners.delete(on);
      window.removeEventListener('popstate', on);
    };
  }, []);
  return loc;
}

/** In-app links: a click on <a href="/…"> without modifier keys navigates without a reload. */
export function interceptLinks(root: HTMLElement): void {
  root.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element).closest('a');
    if (!a || a.target || a.hasAttribute('download')) return;
    const href = a.getAttribute('href');
    if (!href || !href.startsWith('/') || href.startsWith('//') || href.startsWith('/v1/') || href.startsWith('/login') || href.startsWith('/openapi')) return;
    e.preventDefault();
    navigate(href);
  });
}

export const subjectHref = (id: string) => `/subjects/${encodeURIComponent(id)}`;
export const graphHref = (principal: string) => `/graph/${encodeURIComponent(principal)}`;
