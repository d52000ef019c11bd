/**
 * A finding's access path as a small SVG picture: the path's objects as boxes (coloured by kind:
 * accounts, applications, credentials, roles and groups), its edges as labelled arrows (a
 * reversed edge points back), and, for a path reaching tier 0, a final red box naming the
 * privilege. Rows of four boxes wrap downwards so long paths stay legible. Every text is escaped.
 */
import type { Finding } from '../../queries/residual.js';
import type { PathStep } from '../../queries/residual-access/Rule.js';
import { esc } from './html.js';
import { NodeKind } from '../model/schema.js';
import { SOURCES } from '../model/source.js';

const W = 180;
const H = 48;
const GAP = 80;
const ROW_GAP = 46;
const PER_ROW = 4;
const PAD = 8;

/** Colours by what a kind is: people, accounts and records (the registry's); credential holders (applications); then by name. */
const PERSON_COLOR = '#1565c0';
const HOLDER_COLOR = '#2e7d32';
const FAMILY: [RegExp, string][] = [
  [/(Credential|Secret|Jwk|Token|Key)/, '#ef6c00'],
  [/(Role|Group|Eligibility|Grant|Assignment)/, '#6a1b9a'],
  [/(IdentityProvider|AuditEvent|LogEvent)/, '#455a64'],
];

function colorOf(kind: string): string {
  if (kind === NodeKind.Person || SOURCES.isAccountKind(kind) || SOURCES.record(kind) !== undefined) return PERSON_COLOR;
  if (SOURCES.signIn().holders.has(kind as NodeKind)) return HOLDER_COLOR;
  return FAMILY.find(([re]) => re.test(kind))?.[1] ?? '#546e7a';
}

function cut(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function edgeLabel(e: Extract<PathStep, { edge: string }>): string {
  let t = e.edge.replace(/_/g, ' ').toLowerCase();
  if (e.key) t += ` (${e.key}${e.strength ? `, ${e.strength}` : ''})`;
  return t;
}

interface Box {
  kind: string;
  name: string;
  id: string;
  color: string;
  dashed?: boolean;
}

/** SVG of a finding's path (and its tier-0 privilege). */
export function pathPicture(f: Pick<Finding, 'id' | 'path' | 'reaches' | 'rule'>): string {
  const boxes: Box[] = [];
  const edges: { label: string; reverse: boolean }[] = [];
  let pending: { label: string; reverse: boolean } | null = null;
  for (const s of f.path) {
    if ('edge' in s) {
      pending = { label: edgeLabel(s), reverse: s.reverse === true };
      continue;
    }
    if (boxes.length) edges.push(pending ?? { label: '', reverse: false });
    pending = null;
    boxes.push({ kind: s.kind, name: s.name || s.id, id: s.id, color: colorOf(s.kind) });
  }
  if (f.reaches.tier0) {
    if (boxes.length) edges.push({ label: 'reaches', reverse: false });
    const priv = f.reaches.privileges[0] ?? 'tier 0';
    const colon = priv.indexOf(': ');
    boxes.push({
      kind: colon > 0 ? `TIER 0 · ${priv.slice(0, colon)}` : 'TIER 0',
      name: colon > 0 ? priv.slice(colon + 2) : priv,
      id: f.reaches.privileges.join('; '),
      color: '#c62828',
      dashed: true,
    });
  }
  if (boxes.length === 0) boxes.push({ kind: 'path', name: '(no path recorded)', id: '', color: '#546e7a' });

  const rows = Math.ceil(boxes.length / PER_ROW);
  const cols = Math.min(PER_ROW, boxes.length);
  const width = PAD * 2 + cols * W + (cols - 1) * GAP;
  const height = PAD * 2 + rows * H + (rows - 1) * ROW_GAP;
  const pos = (i: number) => ({ x: PAD + (i % PER_ROW) * (W + GAP), y: PAD + Math.floor(i / PER_ROW) * (H + ROW_GAP) });

  const parts: string[] = [];
  const marker = `a${f.id.slice(0, 12)}`;
  parts.push(
    `<defs><marker id="${marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#37474f"/></marker></defs>`,
  );
  edges.forEach((e, i) => {
    const a = pos(i);
    const b = pos(i + 1);
    const ends = e.reverse ? `marker-start="url(#${marker})"` : `marker-end="url(#${marker})"`;
    if (a.y === b.y) {
      const x1 = a.x + W;
      const x2 = b.x;
      const y = a.y + H / 2;
      parts.push(`<line x1="${x1}" y1="${y}" x2="${x2 - 1}" y2="${y}" stroke="#37474f" stroke-width="1.4" ${ends}/>`);
      parts.push(`<text x="${(x1 + x2) / 2}" y="${y - 6}" text-anchor="middle" font-size="10" fill="#37474f">${esc(cut(e.label, 16))}</text>`);
    } else {
      const x1 = a.x + W / 2;
      const y1 = a.y + H;
      const x2 = b.x + W / 2;
      const y2 = b.y;
      const ym = y1 + ROW_GAP / 2;
      parts.push(`<path d="M${x1},${y1} L${x1},${ym} L${x2},${ym} L${x2},${y2 - 1}" fill="none" stroke="#37474f" stroke-width="1.4" ${ends}/>`);
      parts.push(`<text x="${(x1 + x2) / 2}" y="${ym - 5}" text-anchor="middle" font-size="10" fill="#37474f">${esc(cut(e.label, 30))}</text>`);
    }
  });
  boxes.forEach((b, i) => {
    const { x, y } = pos(i);
    parts.push(
      `<g class="node"><title>${esc(`${b.kind}: ${b.name}${b.id && b.id !== b.name ? ` (${b.id})` : ''}`)}</title>` +
        `<rect x="${x}" y="${y}" width="${W}" height="${H}" rx="6" fill="#ffffff" stroke="${b.color}" stroke-width="${b.dashed ? 2 : 1.5}"${b.dashed ? ' stroke-dasharray="5 3"' : ''}/>` +
        `<rect x="${x}" y="${y}" width="6" height="${H}" rx="3" fill="${b.color}"/>` +
        `<text x="${x + 14}" y="${y + 18}" font-size="9.5" fill="${b.color}" font-weight="bold">${esc(cut(b.kind, 30))}</text>` +
        `<text x="${x + 14}" y="${y + 35}" font-size="11.5" fill="#212121">${esc(cut(b.name, 26))}</text></g>`,
    );
  });
  const label = `Access path of finding ${f.id} (${f.rule}): ${boxes.map((b) => `${b.kind} ${b.name}`).join(' → ')}`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="path-picture" role="img" aria-label="${esc(label)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">` +
    `<title>${esc(label)}</title>${parts.join('')}</svg>`
  );
}
