/**
 * Changes at /changes: the snapshots over time, and the difference between any two (default the
 * last two) — new, resolved, regressed (status got worse), other status changes, and findings
 * whose data lost coverage (never counted as resolved). Each list exports as CSV.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get } from '../api';
import { Severity, Status } from '../components/Badges';
import { CSV_PAGE, type CsvCell, csvLines, download, fmtDate, plural, toCsv } from '../format';
import { type Location, setParams, subjectHref } from '../router';
import type { Diff, Finding, SnapshotInfo } from '../types';

const SHOWN = 500;
const CSV_HEADER = ['id', 'rule', 'status', 'severity', 'subject_id', 'subject', 'via_id', 'note'];

type DiffList = 'new' | 'resolved' | 'persisting' | 'changed' | 'coverageLost';

/** One list of the diff as CSV rows: which list, where its items are in a page, a row per item, and (for part of a list) its offsets. */
interface CsvSource<T> {
  list: DiffList;
  items: (page: Diff) => T[];
  row: (item: T) => CsvCell[];
  /** Offsets in the server's list, end exclusive (default: the whole list). */
  start?: number;
  end?: number;
}

const findingRow = (f: Finding, note = ''): CsvCell[] => [f.id, f.rule, f.status, f.severity, f.subject.id, f.subject.name, f.via.id, note];

/**
 * The CSV of one list of the diff between two snapshots, fetched CSV_PAGE findings at a time
 * (`list`, `offset`, `limit`: the server sends only that page of that list). The download is a
 * Blob of the pages' text: no response parsed here, and no string, holds the whole list — at a
 * million users a list can hold half a million findings, more than one string or JSON.parse can.
 */
async function csvOfList<T>(from: string | null, to: string, src: CsvSource<T>): Promise<Blob> {
  const parts = [csvLines([CSV_HEADER])];
  const end = src.end ?? Number.POSITIVE_INFINITY;
  for (let offset = src.start ?? 0; offset < end; offset += CSV_PAGE) {
    const limit = Math.min(CSV_PAGE, end - offset);
    const items = src.items(await get<Diff>('/v1/diff', { from, to, list: src.list, offset, limit }));
    parts.push(csvLines(items.map(src.row)));
    if (items.length < limit) break;
  }
  return new Blob(parts, { type: 'text/csv;charset=utf-8' });
}

/** A list of the diff: the first SHOWN findings on screen; the CSV has every one (`csv` pages the whole list into it). */
function FindingTable({ name, findings, total, csv, extra }: { name: string; findings: Finding[]; total: number | null; csv: () => Promise<Blob>; extra?: (f: Finding) => string }) {
  const [error, setError] = useState<string | null>(null);
  if (!findings.length) return <p>None.</p>;
  // null: the size is not known (a coverage loss's list), only that the page shown may not be all of it.
  const more = total === null ? findings.length >= SHOWN : total > findings.length;
  const exportCsv = async () => {
    setError(null);
    try {
      download(`${name}.csv`, more ? await csv() : toCsv(CSV_HEADER, findings.map((f) => findingRow(f, extra?.(f)))));
    } catch (e) {
      setError(`The CSV could not be made: ${(e as Error).message}`);
    }
  };
  return (
    <>
      <button type="button" onClick={() => void exportCsv()}>
        Export CSV
      </button>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <table class="data" data-testid={name}>
        <thead>
          <tr>
            <th scope="col">Subject</th>
            <th scope="col">Rule</th>
            <th scope="col">Status</th>
            <th scope="col">Severity</th>
            <th scope="col">Via</th>
            {extra ? <th scope="col">Note</th> : null}
          </tr>
        </thead>
        <tbody>
          {findings.map((f) => (
            <tr key={f.id}>
              <th scope="row">
                <a href={subjectHref(f.subject.id)}>{f.subject.name}</a>
              </th>
              <td>
                <code>{f.rule}</code>
              </td>
              <td>
                <Status value={f.status} />
              </td>
              <td>
                <Severity value={f.severity} />
              </td>
              <td>
                <code>{f.via.id}</code>
              </td>
              {extra ? <td>{extra(f)}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
      {more ? (
        <p class="muted">
          The first {findings.length.toLocaleString('en')}
          {total === null ? '' : ` of ${total.toLocaleString('en')}`} are shown; the CSV has them all.
        </p>
      ) : null}
    </>
  );
}

export function Changes({ loc }: { loc: Location }) {
  const [snaps, setSnaps] = useState<SnapshotInfo[] | null>(null);
  const [diff, setDiff] = useState<Diff | null>(null);
  const [error, setError] = useState<string | null>(null);
  const from = loc.params.get('from') ?? undefined;
  const to = loc.params.get('to') ?? undefined;
  useEffect(() => {
    get<{ snapshots: SnapshotInfo[] }>('/v1/snapshots')
      .then((r) => setSnaps(r.snapshots))
      .catch((e: ApiError) => setError(e.message));
  }, []);
  useEffect(() => {
    setDiff(null);
    get<Diff>('/v1/diff', { from, to, limit: SHOWN })
      .then(setDiff)
      .catch((e: ApiError) => setError(e.message));
  }, [from, to]);
  const regressed = diff?.changed.filter((c) => c.regression) ?? [];
  const otherChanges = diff?.changed.filter((c) => !c.regression) ?? [];
  const counts = diff?.counts;
  // A list's CSV pages the diff between the two snapshots shown (their ids, not `latest`: a new snapshot may be served meanwhile).
  const pages =
    <T,>(src: CsvSource<T>) =>
    () =>
      csvOfList(diff!.from, diff!.to, src);
  const changedRow = (c: Diff['changed'][number]) => findingRow(c.after, `was ${c.before.status}`);
  const pick = (name: string, value: string | undefined) => (
    <select id={`changes-${name}`} value={value ?? ''} onChange={(e) => setParams({ [name]: (e.target as HTMLSelectElement).value || null })}>
      <option value="">{name === 'to' ? 'latest' : 'the one before'}</option>
      {(snaps ?? [])
        .slice()
        .reverse()
        .map((s) => (
          <option key={s.id} value={s.id}>
            {s.id.slice(0, 16)} · {fmtDate(s.collectedAt)}
          </option>
        ))}
    </select>
  );
  return (
    <section aria-labelledby="changes-h">
      <h1 id="changes-h">Changes</h1>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <h2>Snapshots</h2>
      {snaps ? (
        <table class="data" data-testid="snapshots">
          <thead>
            <tr>
              <th scope="col">Snapshot</th>
              <th scope="col">Collected</th>
              <th scope="col">Loaded</th>
              <th scope="col">Nodes</th>
              <th scope="col">Edges</th>
              <th scope="col">Sources</th>
            </tr>
          </thead>
          <tbody>
            {snaps.map((s) => (
              <tr key={s.id}>
                <th scope="row">
                  <code>{s.id}</code>
                </th>
                <td>{fmtDate(s.collectedAt)}</td>
                <td>{fmtDate(s.createdAt)}</td>
                <td class="num">{s.nodes?.toLocaleString('en') ?? ''}</td>
                <td class="num">{s.edges?.toLocaleString('en') ?? ''}</td>
                <td>{(s.sources ?? []).map((x) => `${x.source} ${x.tenant}`).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p role="status">Loading…</p>
      )}
      <h2>Difference</h2>
      <form class="inline-form" onSubmit={(e) => e.preventDefault()}>
        <label for="changes-from">From</label>
        {pick('from', from)}
        <label for="changes-to">To</label>
        {pick('to', to)}
      </form>
      {diff ? (
        <div data-testid="diff">
          <p role="status">
            {diff.from ? (
              <>
                From <code>{diff.from}</code> to <code>{diff.to}</code>: {plural(counts?.new ?? diff.new.length, 'new finding')}, {(counts?.resolved ?? diff.resolved.length).toLocaleString('en')} resolved,{' '}
                {(counts?.regressed ?? regressed.length).toLocaleString('en')} regressed, {(counts?.coverageLost ?? 0).toLocaleString('en')} with coverage lost.
              </>
            ) : (
              <>Only one snapshot so far: every finding is new.</>
            )}
          </p>
          <h3>New</h3>
          <FindingTable name="new" findings={diff.new} total={counts?.new ?? diff.new.length} csv={pages({ list: 'new', items: (d) => d.new, row: (f) => findingRow(f), end: counts?.new })} />
          <h3>Resolved</h3>
          <FindingTable name="resolved" findings={diff.resolved} total={counts?.resolved ?? diff.resolved.length} csv={pages({ list: 'resolved', items: (d) => d.resolved, row: (f) => findingRow(f), end: counts?.resolved })} />
          <h3>Regressed</h3>
          <FindingTable
            name="regressed"
            findings={regressed.map((c) => c.after)}
            total={counts?.regressed ?? regressed.length}
            csv={pages({ list: 'changed', items: (d) => d.changed, row: changedRow, end: counts?.regressed ?? regressed.length })}
            extra={(f) => `was ${diff.changed.find((c) => c.after.id === f.id)?.before.status ?? '?'}`}
          />
          <h3>Other status changes</h3>
          <FindingTable
            name="changed"
            findings={otherChanges.map((c) => c.after)}
            total={(counts?.changed ?? diff.changed.length) - (counts?.regressed ?? regressed.length)}
            csv={pages({ list: 'changed', items: (d) => d.changed, row: changedRow, start: counts?.regressed ?? regressed.length, end: counts?.changed ?? diff.changed.length })}
            extra={(f) => `was ${diff.changed.find((c) => c.after.id === f.id)?.before.status ?? '?'}`}
          />
          <h3>Coverage lost</h3>
          {diff.coverageLost.length === 0 ? (
            <p>None.</p>
          ) : (
            diff.coverageLost.map((c) => (
              <div key={c.sourceKey}>
                <p>
                  <strong>{c.sourceKey}</strong>: {c.datasets.join(', ')} no longer complete; rules {c.rules.join(', ')} cannot confirm these findings are gone.
                </p>
                <FindingTable
                  name={`coverage-lost-${c.sourceKey.replace(/[^a-z0-9]+/gi, '-')}`}
                  findings={c.findings}
                  total={null}
                  csv={pages({ list: 'coverageLost', items: (d) => d.coverageLost.find((x) => x.sourceKey === c.sourceKey)?.findings ?? [], row: (f) => findingRow(f) })}
                />
              </div>
            ))
          )}
        </div>
      ) : null}
    </section>
  );
}
