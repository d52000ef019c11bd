/**
 * The analyst console: a browser app served by `revenant serve` at `/`, talking only to /v1.
 * The shell (skip link, navigation, search box, who is signed in, sign-out) and the views, picked
 * by the URL: the leavers board (`/`), a person (`/subjects/{id}`), the graph explorer
 * (`/graph/{principal}`) and changes (`/changes`).
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { get } from './api';
import { SearchBox } from './components/SearchBox';
import { interceptLinks, useLocation } from './router';
import type { Session } from './types';
import { Changes } from './views/Changes';
import { Leavers } from './views/Leavers';
import { Person } from './views/Person';

/** The graph explorer (Cytoscape.js and dagre) loads only when opened: the first view stays small. */
function GraphView(props: { principal: string | null; loc: ReturnType<typeof useLocation> }) {
  const [mod, setMod] = useState<typeof import('./views/Graph') | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    import('./views/Graph').then(setMod, () => setFailed(true));
  }, []);
  if (failed) return <p class="error" role="alert">The graph explorer could not be loaded: reload the page.</p>;
  return mod ? <mod.Graph {...props} /> : <p role="status">Loading the graph explorer…</p>;
}

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

function App() {
  const loc = useLocation();
  const [session, setSession] = useState<Session | null>(null);
  useEffect(() => {
    get<Session>('/v1/session')
      .then(setSession)
      .catch(() => setSession(null));
  }, []);
  const path = loc.path.replace(/\/+$/, '') || '/';
  let view;
  let section = 'leavers';
  let m: RegExpExecArray | null;
  if (path === '/' || path === '/leavers') view = <Leavers loc={loc} />;
  else if ((m = /^\/subjects\/(.+)$/.exec(path))) {
    section = 'person';
    view = <Person id={decode(m[1])} loc={loc} session={session} />;
  } else if (path === '/graph' || (m = /^\/graph\/(.+)$/.exec(path))) {
    section = 'graph';
    view = <GraphView principal={m ? decode(m[1]) : null} loc={loc} />;
  } else if (path === '/changes') {
    section = 'changes';
    view = <Changes loc={loc} />;
  } else view = <p>No such page. <a href="/">Leavers</a></p>;
  useEffect(() => {
    if (section !== 'person') document.title = `${section[0].toUpperCase()}${section.slice(1)} — Revenant`;
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [path]);
  const nav = (href: string, label: string, key: string) => (
    <a href={href} aria-current={section === key ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/">
          Revenant
        </a>
        <nav aria-label="Views">
          {nav('/', 'Leavers', 'leavers')}
          {nav('/graph', 'Graph', 'graph')}
          {nav('/changes', 'Changes', 'changes')}
        </nav>
        <SearchBox />
        <form method="post" action="/logout" class="signout">
          <span class="muted small">{session ? `${session.name}${session.scopes.includes('what-if') ? '' : ' (read only)'}` : ''}</span>
          <button type="submit">Sign out</button>
        </form>
      </header>
      <main id="main" tabIndex={-1}>
        {view}
      </main>
    </>
  );
}

const root = document.getElementById('app')!;
root.textContent = '';
interceptLinks(root);
render(<App />, root);
