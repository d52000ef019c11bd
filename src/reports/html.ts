/**
 * HTML building blocks for the report and the evidence page: escaping (every value from a tenant
 * is untrusted text), attribute quoting, and long tables that stay small — the first rows shown,
 * the rest collapsed in `<details>` blocks, and past a cap a pointer to the CSV, so a page never
 * inlines tens of thousands of rows. No script is needed to read any of it.
 */
import { text } from '../model/text.js';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(v: unknown): string {
  return text(v).replace(/[&<>"']/g, (c) => ESC[c]);
}

/** An HTML fragment (already escaped). */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export const raw = (text: string): Html => new Html(text);

/** Tagged template: interpolated values are escaped unless they are Html (or arrays of Html). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v instanceof Html) out += v.text;
    else if (Array.isArray(v)) out += v.map((x) => (x instanceof Html ? x.text : esc(x))).join('');
    else if (v === null || v === undefined || v === false) out += '';
    else out += esc(v);
    out += strings[i + 1];
  }
  return new Html(out);
}

/** Rows rendered on demand: a long table renders only the rows it shows. */
export interface RowSource {
  length: number;
  render(start: number, end: number): Html[];
}

export function rowsOf<T>(items: readonly T[], row: (item: T) => Html): RowSource {
  return { length: items.length, render: (start, end) => items.slice(start, end).map(row) };
}

export interface LongTableOptions {
  id: string;
  caption?: string;
  header: string[];
  /** Rows as `<tr>` fragments (or whole `<tbody>` groups with `bodies`), rendered or on demand. */
  rows: Html[] | RowSource;
  /** Each row is a complete `<tbody>` (a group of `<tr>`s, e.g. one leaver's accounts). */
  bodies?: boolean;
  /** Rows shown before the first collapsed block. */
  first?: number;
  /** Rows per collapsed block. */
  block?: number;
  /** Most rows rendered at all; the rest are counted and pointed to `moreIn`. */
  cap?: number;
  moreIn?: string;
  empty?: string;
}

export function longTable(o: LongTableOptions): Html {
  const first = o.first ?? 50;
  const block = o.block ?? 250;
  const cap = o.cap ?? 500;
  const head = html`<thead><tr>${o.header.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>`;
  if (o.rows.length === 0) return html`<p class="empty" id="${o.id}">${o.empty ?? 'None.'}</p>`;
  const src = Array.isArray(o.rows) ? rowsOf(o.rows, (r) => r) : (o.rows);
  const shown = src.render(0, Math.min(cap, src.length));
  const body = (rows: Html[]) => (o.bodies ? html`${rows}` : html`<tbody>${rows}</tbody>`);
  const parts: Html[] = [html`<table class="data" id="${o.id}" data-rows="${o.rows.length}">${o.caption ? html`<caption>${o.caption}</caption>` : ''}${head}${body(shown.slice(0, first))}</table>`];
  for (let i = first; i < shown.length; i += block) {
    const part = shown.slice(i, i + block);
    parts.push(
      html`<details class="more"><summary>rows ${i + 1}–${i + part.length} of ${o.rows.length}</summary><table class="data">${head}${body(part)}</table></details>`,
    );
  }
  if (o.rows.length > shown.length) {
    parts.push(html`<p class="capped">${o.rows.length - shown.length} more rows are not shown here: see ${o.moreIn ?? 'the CSV files'}.</p>`);
  }
  return html`${parts}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
