/**
 * A finding's path drawn as a graph: subject → … → credential → service principal → privilege,
 * left to right, wrapping into rows, each edge labelled with its kind, the privilege end marked
 * tier 0 when it is. Pure SVG with presentation attributes (no inline style, so the CSP holds);
 * every node is a link to the graph explorer, so the drawing is keyboard-reachable. The same SVG
 * exports as a standalone .svg file or, drawn on a canvas, as .png.
 */
import { useMemo, useRef } from 'preact/hooks';
import { download, principalOf } from '../format';
import { graphHref } from '../router';
import type { PathStep } from '../types';

const BOX_H = 46;
const GAP = 118;
const ROW_GAP = 40;
const MAX_W = 1100;
const CHAR = 6.6;

function boxWidth(s: PathStep): number {
  const label = Math.max((s.name ?? s.id ?? '').length, (s.kind ?? '').length);
  return Math.min(220, Math.max(110, Math.min(label, 30) * CHAR + 20));
}

let drawn = 0;

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export interface Layout {
  width: number;
  height: number;
  nodes: { step: PathStep; x: number; y: number; w: number; i: number }[];
  edges: { step: PathStep; x1: number; y1: number; x2: number; y2: number; wrap: boolean }[];
}

export function layoutPath(steps: PathStep[]): Layout {
  const nodes: Layout['nodes'] = [];
  const edges: Layout['edges'] = [];
  let x = 10;
  let y = 24;
  let width = 0;
  let pending: PathStep | null = null;
  let i = 0;
  for (const s of steps) {
    if (s.edge !== undefined) {
      pending = s;
      continue;
    }
    const w = boxWidth(s);
    let wrap = false;
    if (nodes.length && x + w > MAX_W) {
      x = 10;
      y += BOX_H + ROW_GAP;
      wrap = true;
    }
    const prev = nodes[nodes.length - 1];
    if (prev && pending) {
      edges.push(
        wrap
          ? { step: pending, x1: prev.x + prev.w / 2, y1: prev.y + BOX_H, x2: x + w / 2, y2: y, wrap }
          : { step: pending, x1: prev.x + prev.w, y1: y + BOX_H / 2, x2: x, y2: y + BOX_H / 2, wrap },
      );
    }
    pending = null;
    nodes.push({ step: s, x, y, w, i: i++ });
    x += w + GAP;
    width = Math.max(width, x - GAP + 10);
  }
  return { width, height: y + BOX_H + 12, nodes, edges };
}

export function PathGraph({ steps, tier0, title }: { steps: PathStep[]; tier0: boolean; title: string }) {
  const ref = useRef<SVGSVGElement>(null);
  const marker = useMemo(() => `arrow-${++drawn}`, []);
  const l = layoutPath(steps);
  const last = l.nodes.length - 1;
  const svgText = () => {
    const svg = ref.current!.cloneNode(true) as SVGSVGElement;
    svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
    return new XMLSerializer().serializeToString(svg);
  };
  const fileBase = title.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 80);
  const exportPng = () => {
    const img = new Image();
    const url = URL.createObjectURL(new Blob([svgText()], { type: 'image/svg+xml' }));
    img.onload = () => {
      const c = document.createElement('canvas');
      c.width = l.width * 2;
      c.height = l.height * 2;
      const ctx = c.getContext('2d')!;
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, c.width, c.height);
      ctx.scale(2, 2);
      ctx.drawImage(img, 0, 0);
      URL.revokeObjectURL(url);
      c.toBlob((b) => b && download(`${fileBase}.png`, b));
    };
    img.src = url;
  };
  return (
    <figure class="path-graph">
      <svg ref={ref} width={l.width} height={l.height} viewBox={`0 0 ${l.width} ${l.height}`} role="img" aria-label={`Path: ${steps.filter((s) => !s.edge).map((s) => s.name ?? s.id).join(' → ')}`} font-family="Liberation Sans, Arial, sans-serif">
        <title>{title}</title>
        <defs>
          <marker id={marker} viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#44546a" />
          </marker>
        </defs>
        <rect x="0" y="0" width={l.width} height={l.height} fill="#ffffff" />
        {l.edges.map((e, k) => (
          <g key={`e${k}`} class="path-edge">
            {e.wrap ? (
              <polyline points={`${e.x1},${e.y1} ${e.x1},${e.y1 + ROW_GAP / 2} ${e.x2},${e.y1 + ROW_GAP / 2} ${e.x2},${e.y2}`} fill="none" stroke="#44546a" stroke-width="1.5" marker-end={`url(#${marker})`} />
            ) : (
              <line x1={e.x1} y1={e.y1} x2={e.x2} y2={e.y2} stroke="#44546a" stroke-width="1.5" marker-end={`url(#${marker})`} />
            )}
            <text x={e.wrap ? e.x2 + 4 : (e.x1 + e.x2) / 2} y={e.wrap ? e.y1 + ROW_GAP / 2 - 4 : e.y1 - 6} text-anchor={e.wrap ? 'start' : 'middle'} font-size="10" fill="#1f2937">
              {e.step.reverse ? `← ${e.step.edge}` : e.step.edge}
              {e.step.key ? ` (${e.step.key}${e.step.strength ? `, ${e.step.strength}` : ''})` : ''}
            </text>
          </g>
        ))}
        {l.nodes.map((n) => {
          const end = n.i === last && tier0;
          const s = n.step;
          return (
            <a key={`n${n.i}`} href={graphHref(principalOf(s))} class="path-node" aria-label={`${s.kind} ${s.name ?? s.id}${end ? ', tier 0' : ''}: open in the graph explorer`}>
              <rect x={n.x} y={n.y} width={n.w} height={BOX_H} rx="6" fill={end ? '#fde8e8' : n.i === 0 ? '#e8f0fe' : '#f3f4f6'} stroke={end ? '#b42318' : '#44546a'} stroke-width={end ? 2.5 : 1.2} />
              <text x={n.x + 8} y={n.y + 17} font-size="10" fill="#374151">
                {clip(s.kind ?? '', 32)}
                {end ? ' · TIER 0' : ''}
              </text>
              <text x={n.x + 8} y={n.y + 34} font-size="12" font-weight="bold" fill="#111827">
                {clip(s.name ?? s.id ?? '', Math.floor((n.w - 16) / CHAR))}
              </text>
              <title>{`${s.kind} ${s.name ?? ''} (${s.source}:${s.id})`}</title>
            </a>
          );
        })}
      </svg>
      <figcaption>
        <button type="button" onClick={() => download(`${fileBase}.svg`, svgText(), 'image/svg+xml')}>
          Export SVG
        </button>{' '}
        <button type="button" onClick={exportPng}>
          Export PNG
        </button>
      </figcaption>
    </figure>
  );
}
