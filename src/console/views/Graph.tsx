/**
 * The graph explorer at /graph/{principal}: the blast radius of any principal drawn with
 * Cytoscape.js and a dagre left-to-right layout — the shortest path to every privilege it
 * reaches, tier 0 marked. Click a node (or press Enter on it in the node list) to expand its
 * neighbours or collapse them again; large groups come as a count and a "more" node, never a
 * hairball; a principal with tenant-wide control says so and is summarised by kind. Filter by edge
 * kind, highlight tier 0, hover (or select) a node for its properties, and ask for the paths from
 * X to Y, to tier 0 or to the whole tenant. The URL holds the principal and the paths query.
 */
import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import dagre from 'cytoscape-dagre';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get } from '../api';
import { Tier0 } from '../components/Badges';
import { PathGraph } from '../components/PathGraph';
import { download, plural, principalOf } from '../format';
import { type Location, graphHref, navigate, setParams, subjectHref } from '../router';
import type { BlastRadius, Neighbourhood, NodeSummary, PathStep, PathsDoc } from '../types';

cytoscape.use(dagre);

const PRIVILEGES_SHOWN = 40;
const GROUP_PAGE = 12;

interface NodeData {
  id: string;
  label: string;
  kind: string;
  source: string;
  nodeId: string;
  key?: string;
  tier0?: boolean;
  root?: boolean;
  more?: { key: string; edge: string; dir: 'out' | 'in'; offset: number };
  addedBy?: string;
}

const nid = (s: { source?: string; kind?: string; id?: string }) => `${s.source}|${s.kind}|${s.id}`;

/** Nodes and edges of paths (privilege paths, whole-tenant paths, or a paths query). */
function pathElements(paths: { steps: PathStep[]; tier0: boolean }[], root: string): ElementDefinition[] {
  const els = new Map<string, ElementDefinition>();
  for (const p of paths) {
    let prev: PathStep | null = null;
    let edge: PathStep | null = null;
    const nodes = p.steps.filter((s) => s.edge === undefined);
    for (const s of p.steps) {
      if (s.edge !== undefined) {
        edge = s;
        continue;
      }
      const id = nid(s);
      const isEnd = s === nodes[nodes.length - 1];
      const existing = els.get(id);
      if (!existing) {
        els.set(id, { group: 'nodes', data: { id, label: s.name ?? s.id ?? '', kind: s.kind ?? '', source: s.source ?? '', nodeId: s.id ?? '', tier0: isEnd && p.tier0, root: id === root } });
      } else if (isEnd && p.tier0) (existing.data as NodeData).tier0 = true;
      if (prev && edge) {
        const [a, b] = edge.reverse ? [id, nid(prev)] : [nid(prev), id];
        const eid = `${a}>${edge.edge}>${b}`;
        if (!els.has(eid)) els.set(eid, { group: 'edges', data: { id: eid, source: a, target: b, kind: edge.edge, label: edge.edge } });
      }
      prev = s;
      edge = null;
    }
  }
  return [...els.values()];
}

const STYLE: cytoscape.StylesheetJson = [
  {
    selector: 'node',
    style: {
      label: 'data(label)',
      'font-size': 10,
      'text-valign': 'bottom',
      'text-margin-y': 4,
      'text-wrap': 'ellipsis',
      'text-max-width': '140px',
      color: '#111827',
      'background-color': '#6b7280',
      width: 22,
      height: 22,
      'border-width': 1,
      'border-color': '#374151',
    },
  },
  { selector: 'node[kind = "EntraUser"], node[kind = "OktaUser"]', style: { 'background-color': '#2563eb', shape: 'ellipse' } },
  { selector: 'node[kind *= "Group"]', style: { 'background-color': '#7c3aed', shape: 'round-rectangle' } },
  { selector: 'node[kind *= "Application"], node[kind *= "ServicePrincipal"], node[kind = "OktaApp"]', style: { 'background-color': '#0891b2', shape: 'hexagon' } },
  { selector: 'node[kind *= "Credential"], node[kind *= "Secret"], node[kind *= "Jwk"], node[kind *= "Token"]', style: { 'background-color': '#d97706', shape: 'diamond' } },
  { selector: 'node[kind *= "Role"], node[kind *= "Tenant"], node[kind = "OktaOrg"], node[kind *= "Grant"]', style: { 'background-color': '#4b5563', shape: 'round-tag' } },
  { selector: 'node[?root]', style: { 'border-width': 4, 'border-color': '#1d4ed8', width: 30, height: 30 } },
  { selector: 'node[?more]', style: { shape: 'round-rectangle', 'background-color': '#e5e7eb', 'border-style': 'dashed', width: 26, height: 18, color: '#374151' } },
  { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#f59e0b' } },
  {
    selector: 'edge',
    style: {
      width: 1.4,
      'line-color': '#6b7280',
      'target-arrow-color': '#6b7280',
      'target-arrow-shape': 'triangle',
      'curve-style': 'bezier',
      label: 'data(label)',
      'font-size': 8,
      color: '#374151',
      'text-rotation': 'autorotate',
      'text-background-color': '#ffffff',
      'text-background-opacity': 1,
    },
  },
  { selector: '.hidden', style: { display: 'none' } },
  { selector: '.t0', style: { 'background-color': '#b42318', 'border-color': '#7a1610', 'border-width': 3 } },
  { selector: '.dim', style: { opacity: 0.25 } },
];

function PropsPanel({ sel }: { sel: Neighbourhood | null }) {
  if (!sel) return <p class="muted">Select a node (click it, or press Enter in the node list) to see its properties.</p>;
  const n = sel.node;
  return (
    <div data-testid="node-props">
      <h3>
        {n.name} {n.tier0 ? <Tier0 /> : null}
      </h3>
      <p class="small">
        {n.kind} · {n.source} · <code>{n.id}</code>
        {n.evidence ? (
          <>
            {' '}
            · <code>{n.evidence}</code>
          </>
        ) : null}
      </p>
      <p>
        <a href={graphHref(principalOf(n))}>Blast radius of this</a>
        {n.subject ? (
          <>
            {' '}
            · <a href={subjectHref(n.id)}>Person view</a>
          </>
        ) : null}
      </p>
      <dl class="props">
        {Object.entries(n.props)
          .filter(([, v]) => v !== null && v !== undefined && v !== '')
          .slice(0, 40)
          .map(([k, v]) => (
            <>
              <dt key={`k${k}`}>{k}</dt>
              <dd key={`v${k}`}>{typeof v === 'object' ? JSON.stringify(v) : String(v as string | number | boolean | undefined)}</dd>
            </>
          ))}
      </dl>
      <p class="small">
        Edges:{' '}
        {sel.groups.map((g) => `${g.dir === 'out' ? '→' : '←'} ${g.edge} ${g.count}`).join(' · ') || 'none'}
      </p>
    </div>
  );
}

export function Graph({ principal, loc }: { principal: string | null; loc: Location }) {
  const box = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const [br, setBr] = useState<BlastRadius | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState(PRIVILEGES_SHOWN);
  const [nodes, setNodes] = useState<NodeData[]>([]);
  const [edgeKinds, setEdgeKinds] = useState<string[]>([]);
  const [hiddenKinds, setHiddenKinds] = useState<string[]>([]);
  const [highlight, setHighlight] = useState(false);
  const [sel, setSel] = useState<Neighbourhood | null>(null);
  const [hover, setHover] = useState<{ x: number; y: number; d: NodeData } | null>(null);
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [paths, setPaths] = useState<PathsDoc | null>(null);
  const [pathsError, setPathsError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [edgesShown, setEdgesShown] = useState<{ shown: number; total: number }>({ shown: 0, total: 0 });
  const from = loc.params.get('from') ?? principal ?? '';
  const to = loc.params.get('to') ?? '';

  // The hidden kinds as of the last render, for handlers that cytoscape holds from an older one.
  const hiddenRef = useRef<string[]>(hiddenKinds);
  hiddenRef.current = hiddenKinds;
  const countEdges = (cy: Core) => ({ shown: cy.edges().filter((e) => !hiddenRef.current.includes(String(e.data('kind')))).length, total: cy.edges().length });

  // After the drawing changes: the node list, the edge kinds and the edge counts move together, in
  // one render, so what the page says about the drawing never lags behind its node list.
  const refresh = () => {
    const cy = cyRef.current;
    if (!cy) return;
    setNodes(cy.nodes().map((n) => n.data() as NodeData));
    setEdgeKinds([...new Set(cy.edges().map((e) => String(e.data('kind'))))].sort());
    setEdgesShown(countEdges(cy));
  };

  // The blast radius, drawn.
  useEffect(() => {
    if (!principal) return;
    let live = true;
    setBr(null);
    setError(null);
    setSel(null);
    setExpanded(new Set());
    const t0 = performance.now();
    get<BlastRadius>(`/v1/blast-radius/${encodeURIComponent(principal)}`, { listLimit: 200 })
      .then((b) => {
        if (!live) return;
        setBr(b);
        const root = nid(b.principal);
        const list = [
          ...b.wholeTenant.map((w) => ({ steps: w.path, tier0: true })),
          ...b.privileges.slice(0, shown).map((p) => ({ steps: p.path, tier0: p.tier0 })),
        ];
        const els = pathElements(list, root);
        if (!els.some((e) => e.data.id === root)) els.push({ group: 'nodes', data: { id: root, label: b.principal.name, kind: b.principal.kind, source: b.principal.source, nodeId: b.principal.id, root: true } });
        cyRef.current?.destroy();
        const cy = cytoscape({ container: box.current, elements: els, style: STYLE, layout: { name: 'dagre', rankDir: 'LR', nodeSep: 18, rankSep: 90 } as cytoscape.LayoutOptions, minZoom: 0.1, maxZoom: 3 });
        cyRef.current = cy;
        cy.on('tap', 'node', (e) => void onNode((e.target as cytoscape.NodeSingular).data() as NodeData));
        cy.on('mouseover', 'node', (e) => setHover({ x: e.renderedPosition.x, y: e.renderedPosition.y, d: (e.target as cytoscape.NodeSingular).data() as NodeData }));
        cy.on('mouseout', 'node', () => setHover(null));
        cy.one('render', () => {
          const ms = Math.round(performance.now() - t0);
          box.current?.setAttribute('data-drawn-ms', String(ms));
          box.current?.setAttribute('data-drawn', 'true');
        });
        refresh();
        setStatus(`Drawn: ${plural(cy.nodes().length, 'node')}, ${plural(cy.edges().length, 'edge')}.`);
      })
      .catch((e: ApiError) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [principal, shown]);

  useEffect(() => () => cyRef.current?.destroy(), []);

  // Edge-kind filter and tier-0 highlight.
  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.batch(() => {
      cy.edges().forEach((e) => {
        if (hiddenKinds.includes(String(e.data('kind')))) e.addClass('hidden');
        else e.removeClass('hidden');
      });
      cy.nodes().forEach((n) => {
        const t0 = Boolean(n.data('tier0'));
        if (highlight && t0) n.addClass('t0').removeClass('dim');
        else if (highlight) n.addClass('dim').removeClass('t0');
        else n.removeClass('t0 dim');
      });
    });
    setEdgesShown(countEdges(cy));
  }, [hiddenKinds, highlight, nodes]);
  const filterNote = hiddenKinds.length ? ` Edge filter: ${edgesShown.shown} of ${plural(edgesShown.total, 'edge')} shown (hidden: ${hiddenKinds.join(', ')}).` : '';

  async function select(d: NodeData): Promise<Neighbourhood | null> {
    try {
      const n = await get<Neighbourhood>('/v1/graph/neighbourhood', { node: d.key ?? `${d.source}:${d.nodeId}`, limit: GROUP_PAGE });
      setSel(n);
      return n;
    } catch (e) {
      setStatus((e as ApiError).message);
      return null;
    }
  }

  async function onNode(d: NodeData): Promise<void> {
    const cy = cyRef.current;
    if (!cy) return;
    cy.$id(d.id).select();
    if (d.more) {
      const n = await get<Neighbourhood>('/v1/graph/neighbourhood', { node: d.more.key, edges: [d.more.edge], dir: d.more.dir, offset: d.more.offset, limit: GROUP_PAGE });
      cy.remove(cy.$id(d.id));
      addGroups(cy, d.addedBy!, n);
      return;
    }
    if (expanded.has(d.id)) {
      // Collapse: remove what this node's expansion added (and is not part of anything else).
      cy.nodes()
        .filter((x) => x.data('addedBy') === d.id && !x.data('root') && x.neighborhood().nodes().not(cy.$id(d.id)).empty())
        .remove();
      const next = new Set(expanded);
      next.delete(d.id);
      setExpanded(next);
      setStatus(`Collapsed ${d.label}.`);
      refresh();
      return;
    }
    const n = await select(d);
    if (!n) return;
    cy.$id(d.id).data('key', n.node.key);
    addGroups(cy, d.id, n);
    setExpanded(new Set(expanded).add(d.id));
  }

  function addGroups(cy: Core, parent: string, n: Neighbourhood): void {
    let added = 0;
    const els: ElementDefinition[] = [];
    for (const g of n.groups) {
      for (const it of g.items) {
        const id = nid(it);
        if (cy.$id(id).empty() && !els.some((e) => e.data.id === id)) {
          els.push({ group: 'nodes', data: { id, label: it.name, kind: it.kind, source: it.source, nodeId: it.id, key: it.key, tier0: it.tier0, addedBy: parent } });
          added++;
        }
        const [a, b] = g.dir === 'out' ? [parent, id] : [id, parent];
        const eid = `${a}>${g.edge}>${b}`;
        if (cy.$id(eid).empty() && !els.some((e) => e.data.id === eid)) els.push({ group: 'edges', data: { id: eid, source: a, target: b, kind: g.edge, label: g.edge } });
      }
      const rest = g.count - g.offset - g.items.length;
      if (rest > 0) {
        const id = `more|${parent}|${g.edge}|${g.dir}|${g.offset}`;
        els.push({ group: 'nodes', data: { id, label: `+${rest.toLocaleString('en')} more ${g.edge}`, kind: 'more', source: '', nodeId: '', addedBy: parent, more: { key: n.node.key, edge: g.edge, dir: g.dir, offset: g.offset + g.items.length } } });
        const [a, b] = g.dir === 'out' ? [parent, id] : [id, parent];
        els.push({ group: 'edges', data: { id: `${a}>${g.edge}>${b}`, source: a, target: b, kind: g.edge, label: g.edge } });
      }
    }
    cy.add(els);
    cy.layout({ name: 'dagre', rankDir: 'LR', nodeSep: 18, rankSep: 90 } as cytoscape.LayoutOptions).run();
    setStatus(`Expanded ${n.node.name}: ${plural(added, 'new node')}.`);
    refresh();
  }

  const runPaths = (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    setParams({ from: (f.get('from') as string | null) ?? '', to: (f.get('to') as string | null) ?? '' });
  };
  useEffect(() => {
    setPaths(null);
    setPathsError(null);
    if (!from || !to) return;
    get<PathsDoc>('/v1/paths', { from, to, limit: 20 })
      .then(setPaths)
      .catch((e: ApiError) => setPathsError(e.message));
  }, [from, to]);

  if (!principal) {
    return (
      <section aria-labelledby="graph-h">
        <h1 id="graph-h">Graph explorer</h1>
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            const v = ((new FormData(e.target as HTMLFormElement).get('principal') as string | null) ?? '').trim();
            if (v) navigate(graphHref(v));
          }}
        >
          <label for="principal">Principal (account, app, service principal, group, credential, role: id, name, UPN or appId)</label>
          <input id="principal" name="principal" required />
          <button type="submit">Draw its blast radius</button>
        </form>
      </section>
    );
  }

  return (
    <section aria-labelledby="graph-h" class="graph-view">
      <h1 id="graph-h">Blast radius of {br ? `${br.principal.kind} ${br.principal.name}` : principal}</h1>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {br ? (
        <div class="graph-summary" data-testid="graph-summary">
          {br.wholeTenant.length ? (
            <p class="banner-critical" role="note">
              Controls the whole tenant: {br.wholeTenant.map((w) => `${w.tenant} (${w.via})`).join('; ')}. Every object of that tenant is in reach; they are counted by kind, not drawn.
            </p>
          ) : null}
          <p>
            {plural(br.privileges.length, 'privilege')} reached{br.tier0 ? ', including tier 0' : ''}
            {br.truncated ? ` (stopped at depth ${br.maxDepth})` : ''}. Reached objects:{' '}
            {Object.entries(br.reached)
              .sort((a, b) => b[1] - a[1])
              .map(([k, n]) => `${n.toLocaleString('en')} ${k}`)
              .join(', ') || 'none'}
            .
          </p>
          {br.privileges.length > shown ? (
            <button type="button" onClick={() => setShown(shown + PRIVILEGES_SHOWN)}>
              Show more ({br.privileges.length - shown} privileges not drawn)
            </button>
          ) : null}
        </div>
      ) : null}
      <div class="graph-layout">
        <div class="graph-controls">
          <fieldset class="filter">
            <legend>Edge kinds</legend>
            {edgeKinds.map((k) => (
              <label key={k} class="check">
                <input type="checkbox" checked={!hiddenKinds.includes(k)} onChange={(e) => setHiddenKinds((e.target as HTMLInputElement).checked ? hiddenKinds.filter((x) => x !== k) : [...hiddenKinds, k])} /> {k}
              </label>
            ))}
          </fieldset>
          <label class="check">
            <input type="checkbox" checked={highlight} onChange={(e) => setHighlight((e.target as HTMLInputElement).checked)} /> Highlight tier 0
          </label>
          <p>
            <button type="button" onClick={() => cyRef.current && download(`blast-radius-${principal}.png`, cyRef.current.png({ output: 'blob', bg: '#ffffff', full: true, scale: 2 }))}>
              Export PNG
            </button>
          </p>
          <h2 class="h3">Nodes</h2>
          <ul class="node-list" aria-label="Nodes in the drawing (Enter expands or collapses)">
            {nodes.map((d) => (
              <li key={d.id}>
                <button type="button" class={d.tier0 ? 'node-btn t0' : 'node-btn'} aria-expanded={d.more ? undefined : expanded.has(d.id)} onClick={() => void onNode(d)} onFocus={() => !d.more && void select(d)}>
                  {d.more ? d.label : `${d.kind} ${d.label}`}
                  {d.tier0 ? ' (tier 0)' : ''}
                </button>
              </li>
            ))}
          </ul>
        </div>
        <div class="graph-canvas-wrap">
          <div
            ref={box}
            class="graph-canvas"
            data-testid="graph-canvas"
            data-edges-shown={edgesShown.shown}
            data-edges-total={edgesShown.total}
            role="img"
            aria-label={`Blast radius drawing: ${status}${filterNote}`}
          />
          {hover ? (
            <div class="tooltip" role="tooltip" data-x={Math.round(hover.x)} ref={(el) => {
                if (el) {
                  el.style.left = `${hover.x + 12}px`;
                  el.style.top = `${hover.y + 12}px`;
                }
              }}>
              <strong>{hover.d.label}</strong>
              <br />
              {hover.d.kind} · {hover.d.source}
              <br />
              <code>{hover.d.nodeId}</code>
              {hover.d.tier0 ? (
                <>
                  <br />
                  <Tier0 />
                </>
              ) : null}
            </div>
          ) : null}
          <p role="status" class="small">
            {status}
            {filterNote}
          </p>
        </div>
        <aside class="graph-props" aria-label="Properties">
          <PropsPanel sel={sel} />
        </aside>
      </div>
      <section aria-labelledby="paths-h">
        <h2 id="paths-h">Paths</h2>
        <form class="inline-form" onSubmit={runPaths}>
          <label for="paths-from">From</label>
          <input id="paths-from" name="from" value={from} required />
          <label for="paths-to">To (a principal, tier0 or tenant)</label>
          <input id="paths-to" name="to" value={to} list="paths-to-list" required />
          <datalist id="paths-to-list">
            <option value="tier0" />
            <option value="tenant" />
          </datalist>
          <button type="submit">Find paths</button>
        </form>
        {pathsError ? (
          <p class="error" role="alert">
            {pathsError}
          </p>
        ) : null}
        {paths ? (
          <div data-testid="paths">
            <p role="status">
              {plural(paths.paths.length, 'path')} from {paths.from.name} to {paths.to}
              {paths.truncated ? ' (search depth reached)' : ''}.
            </p>
            {paths.paths.map((p, i) => (
              <PathGraph key={i} steps={p.steps} tier0={paths.to === 'tier0' || paths.to === 'tenant'} title={`path ${i + 1} ${paths.from.name} to ${paths.to}`} />
            ))}
          </div>
        ) : null}
      </section>
    </section>
  );
}

export type { NodeSummary };
