/**
 * The leavers board (the landing view): every departed person with their accounts per system,
 * time from termination to disable against the SLA, open findings by status, worst severity,
 * closed or not and why. Filters (status, severity, rule, source, closed, text), sort and page
 * live in the URL; the filter choices come from the API (the snapshot's sources and the rule
 * catalogue), never from a list in the console. The table exports as CSV (every matching row).
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get } from '../api';
import { Closed, Severity } from '../components/Badges';
import { download, fmtDate, fmtDuration, plural, toCsv } from '../format';
import { type Location, setParams, subjectHref } from '../router';
import type { Board, BoardRow } from '../types';

const PAGE = 50;

function paramsOf(p: URLSearchParams) {
  return {
    status: p.getAll('status'),
    severity: p.getAll('severity'),
    rule: p.getAll('rule'),
    source: p.getAll('source'),
    closed: p.get('closed') ?? undefined,
    q: p.get('q') ?? undefined,
    sort: p.get('sort') ?? 'worst',
    order: p.get('order') ?? undefined,
    sla: p.get('sla') ?? undefined,
    offset: Number(p.get('offset') ?? 0) || 0,
  };
}

function Multi({ name, label, options, chosen }: { name: string; label: string; options: string[]; chosen: string[] }) {
  return (
    <fieldset class="filter">
      <legend>{label}</legend>
      {options.map((o) => (
        <label key={o} class="check">
          <input
            type="checkbox"
            name={name}
            value={o}
            checked={chosen.includes(o)}
            onChange={(e) => {
              const on = (e.target as HTMLInputElement).checked;
              setParams({ [name]: on ? [...chosen, o] : chosen.filter((x) => x !== o), offset: null });
            }}
          />{' '}
          {o}
        </label>
      ))}
    </fieldset>
  );
}

function counts(r: BoardRow) {
  const c = { live: 0, window: 0, unverified: 0, dormant: 0 };
  for (const a of r.accounts) for (const k of Object.keys(c) as (keyof typeof c)[]) c[k] += a.findings[k] ?? 0;
  return c;
}

const CSV_HEADER = ['person', 'name', 'closed', 'why', 'accounts', 'time_to_disable', 'within_sla', 'live', 'window', 'unverified', 'dormant', 'worst_severity', 'departed_at'];
const csvRow = (r: BoardRow) => {
  const c = counts(r);
  return [
    r.person,
    r.name,
    r.closed,
    r.why,
    r.accounts.map((a) => `${a.source}:${a.name}${a.departed ? '' : ' (active)'}`).join('; '),
    r.timeToDisableMs === null ? '' : fmtDuration(r.timeToDisableMs),
    r.withinSla === null ? '' : r.withinSla,
    c.live,
    c.window,
    c.unverified,
    c.dormant,
    r.worstSeverity ?? '',
    r.departedAt ?? '',
  ];
};

export function Leavers({ loc }: { loc: Location }) {
  const p = paramsOf(loc.params);
  const key = loc.params.toString();
  const [board, setBoard] = useState<Board | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [q, setQ] = useState(p.q ?? '');

  const apiParams = { ...p, limit: PAGE, closed: p.closed === undefined ? undefined : p.closed === 'true' };
  useEffect(() => {
    let live = true;
    setError(null);
    get<Board>('/v1/leavers', apiParams)
      .then((b) => live && setBoard(b))
      .catch((e: ApiError) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [key]);

  useEffect(() => {
    if ((p.q ?? '') === q) return;
    const t = setTimeout(() => setParams({ q: q || null, offset: null }, { replace: true }), 200);
    return () => clearTimeout(t);
  }, [q]);

  const exportCsv = async () => {
    const rows: BoardRow[] = [];
    for (let offset = 0; ; offset += 1000) {
      const b = await get<Board>('/v1/leavers', { ...apiParams, offset, limit: 1000 });
      rows.push(...b.items);
      if (offset + 1000 >= b.total) break;
    }
    download('leavers.csv', toCsv(CSV_HEADER, rows.map(csvRow)));
  };

  const sortBy = (k: string) => {
    const same = p.sort === k;
    setParams({ sort: k, order: same ? (p.order === 'asc' ? 'desc' : 'asc') : null, offset: null });
  };
  const ariaSort = (k: string): 'ascending' | 'descending' | 'none' => {
    if (p.sort !== k) return 'none';
    const desc = (p.order ?? (k === 'name' ? 'asc' : 'desc')) === 'desc';
    return desc ? 'descending' : 'ascending';
  };

  return (
    <section aria-labelledby="leavers-h">
      <h1 id="leavers-h">Leavers</h1>
      {board ? (
        <p class="summary" data-testid="summary">
          {plural(board.summary.persons, 'departed person')}: <strong>{board.summary.closed.toLocaleString('en')} closed</strong>,{' '}
          {(board.summary.persons - board.summary.closed).toLocaleString('en')} not closed, {plural(board.summary.live, 'live finding')} · snapshot <code>{board.snapshot}</code> analysed {fmtDate(board.at)} · SLA {board.sla}
        </p>
      ) : null}
      <div class="board">
        <form class="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
          <label for="board-q">Find in the board</label>
          <input id="board-q" type="search" value={q} placeholder="name, mail, UPN, login, id" onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
          <fieldset class="filter">
            <legend>Closed</legend>
            {[
              ['', 'all'],
              ['false', 'not closed'],
              ['true', 'closed'],
            ].map(([v, l]) => (
              <label key={v} class="check">
                <input type="radio" name="closed" value={v} checked={(p.closed ?? '') === v} onChange={() => setParams({ closed: v || null, offset: null })} /> {l}
              </label>
            ))}
          </fieldset>
          {board ? (
            <>
              <Multi name="status" label="Status" options={board.facets.statuses} chosen={p.status} />
              <Multi name="severity" label="Severity" options={board.facets.severities} chosen={p.severity} />
              <Multi name="source" label="Source" options={board.facets.sources} chosen={p.source} />
              <label for="board-rule">Rule</label>
              <select id="board-rule" value={p.rule[0] ?? ''} onChange={(e) => setParams({ rule: (e.target as HTMLSelectElement).value || null, offset: null })}>
                <option value="">any rule</option>
                {board.facets.rules.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
              <label for="board-sla">SLA</label>
              <select id="board-sla" value={p.sla ?? '24h'} onChange={(e) => setParams({ sla: (e.target as HTMLSelectElement).value, offset: null })}>
                {['4h', '24h', '72h', '7d'].map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </>
          ) : null}
        </form>
        <div class="board-main">
          {error ? (
            <p class="error" role="alert">
              {error}
            </p>
          ) : null}
          {!board && !error ? <p role="status">Loading the leavers…</p> : null}
          {board ? (
            <>
              <div class="toolbar">
                <span role="status" data-testid="total">
                  {plural(board.total, 'person')} match
                </span>
                <button type="button" onClick={() => void exportCsv()}>
                  Export CSV
                </button>
              </div>
              <table class="data" data-testid="leavers">
                <caption class="visually-hidden">Departed persons, worst first</caption>
                <thead>
                  <tr>
                    <th scope="col" aria-sort={ariaSort('name')}>
                      <button type="button" class="sort" onClick={() => sortBy('name')}>
                        Person
                      </button>
                    </th>
                    <th scope="col">Accounts</th>
                    <th scope="col" aria-sort={ariaSort('timeToDisable')}>
                      <button type="button" class="sort" onClick={() => sortBy('timeToDisable')}>
                        Time to disable
                      </button>
                    </th>
                    <th scope="col" aria-sort={ariaSort('live')}>
                      <button type="button" class="sort" onClick={() => sortBy('live')}>
                        Live
                      </button>
                    </th>
                    <th scope="col">Window</th>
                    <th scope="col">Unverified</th>
                    <th scope="col">Dormant</th>
                    <th scope="col" aria-sort={ariaSort('worst')}>
                      <button type="button" class="sort" onClick={() => sortBy('worst')}>
                        Worst
                      </button>
                    </th>
                    <th scope="col">Closed?</th>
                  </tr>
                </thead>
                <tbody>
                  {board.items.map((r) => {
                    const c = counts(r);
                    const first = r.accounts.find((a) => a.departed) ?? r.accounts[0];
                    return (
                      <tr key={r.person} data-person={r.person}>
                        <th scope="row">
                          <a href={subjectHref(first.id)}>{r.name}</a>
                          <div class="muted small">{r.person}</div>
                        </th>
                        <td>
                          <ul class="accounts">
                            {r.accounts.map((a) => (
                              <li key={`${a.source}:${a.id}`} data-account={a.id}>
                                <span class="src">{a.source}</span> {a.name} {a.departed ? (a.disabled ? <span class="muted">disabled</span> : <strong class="warn">enabled</strong>) : <span class="muted">active, not departed</span>}
                              </li>
                            ))}
                          </ul>
                        </td>
                        <td>
                          {r.accounts
                            .filter((a) => a.departed)
                            .map((a) => (
                              <div key={a.id} class={a.timeToDisable.withinSla === false ? 'warn' : ''}>
                                {a.timeToDisable.text}
                              </div>
                            ))}
                        </td>
                        <td class="num">{c.live}</td>
                        <td class="num">{c.window}</td>
                        <td class="num">{c.unverified}</td>
                        <td class="num">{c.dormant}</td>
                        <td>
                          <Severity value={r.worstSeverity} />
                        </td>
                        <td>
                          <Closed value={r.closed} />
                          <div class="small why">{r.why}</div>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              <nav class="pager" aria-label="Pages">
                <button type="button" disabled={p.offset === 0} onClick={() => setParams({ offset: String(Math.max(0, p.offset - PAGE)) })}>
                  Previous
                </button>
                <span>
                  {board.total === 0 ? 0 : p.offset + 1}–{Math.min(board.total, p.offset + PAGE)} of {board.total.toLocaleString('en')}
                </span>
                <button type="button" disabled={p.offset + PAGE >= board.total} onClick={() => setParams({ offset: String(p.offset + PAGE) })}>
                  Next
                </button>
              </nav>
            </>
          ) : null}
        </div>
      </div>
    </section>
  );
}
