/**
 * The person view at /subjects/{id} (any account id, UPN, login, mail or employee id): the
 * correlated accounts with the link keys and their strength, each account's departure and time to
 * disable, the coverage of their sources, and the findings grouped by status, each with its path
 * drawn, evidence and remediation. For a person who has not left, a what-if toggle asks
 * POST /v1/what-if what would remain if they left now. One section per concern, so more can be
 * added (the remediation plan of issue 14 goes beside the findings).
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, post } from '../api';
import { Closed, Severity, Tier0 } from '../components/Badges';
import { FindingCard } from '../components/FindingCard';
import { SEVERITY_ORDER, STATUS_ORDER, download, fmtDate, plural, principalOf, toCsv } from '../format';
import { type Location, graphHref, setParams } from '../router';
import type { Finding, FindingsDoc, PersonDoc, Session } from '../types';
import { Remediation } from './Remediation';

function FindingGroups({ findings, snapshot, label }: { findings: Finding[]; snapshot: string; label: string }) {
  if (findings.length === 0) return <p data-testid={`${label}-none`}>No finding.</p>;
  const exportCsv = () =>
    download(
      `${label}-findings.csv`,
      toCsv(
        ['id', 'rule', 'status', 'severity', 'subject_id', 'subject', 'via_kind', 'via_id', 'valid_until', 'tier0', 'evidence', 'remediation'],
        findings.map((f) => [f.id, f.rule, f.status, f.severity, f.subject.id, f.subject.name, f.via.kind, f.via.id, f.validUntil ?? '', f.reaches.tier0, f.evidence.join(' '), f.remediation.join(' | ')]),
      ),
    );
  return (
    <>
      <div class="toolbar">
        <span>{plural(findings.length, 'finding')}</span>
        <button type="button" onClick={exportCsv}>
          Export CSV
        </button>
      </div>
      {STATUS_ORDER.map((st) => {
        const list = findings.filter((f) => f.status === st);
        if (!list.length) return null;
        return (
          <section key={st} class="status-group" aria-labelledby={`${label}-${st}`} data-status-group={st}>
            <h3 id={`${label}-${st}`}>
              {st} <span class="muted">({list.length})</span>
            </h3>
            {list.map((f) => (
              <FindingCard key={f.id} f={f} snapshot={snapshot} />
            ))}
          </section>
        );
      })}
    </>
  );
}

function WhatIf({ doc, session, on }: { doc: PersonDoc; session: Session | null; on: boolean }) {
  const active = doc.members.filter((m) => m.account && !m.report?.departed);
  const [result, setResult] = useState<FindingsDoc | null>(null);
  const [error, setError] = useState<string | null>(null);
  const allowed = session?.scopes.includes('what-if') ?? false;
  useEffect(() => {
    setResult(null);
    setError(null);
    if (!on || !allowed || active.length === 0) return;
    post<{ doc: FindingsDoc }>('/v1/what-if', { assumeDeparted: active.map((m) => m.id) })
      .then((r) => setResult(r.doc))
      .catch((e: ApiError) => setError(e.message));
  }, [on, doc.query, allowed]);
  if (active.length === 0) return null;
  return (
    <section aria-labelledby="whatif-h" class="whatif">
      <h2 id="whatif-h">What if {doc.departed ? 'the remaining accounts were disabled' : 'this person left today'}?</h2>
      {!allowed ? (
        <p>Your session cannot ask what-if questions (it needs the what-if scope: sign in with the link or a key that has it).</p>
      ) : (
        <label class="check">
          <input type="checkbox" id="whatif-toggle" checked={on} onChange={(e) => setParams({ whatif: (e.target as HTMLInputElement).checked ? '1' : null })} /> Assume{' '}
          {active.map((m) => `${m.source} ${m.name}`).join(', ')} disabled now
        </label>
      )}
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {on && allowed && !result && !error ? <p role="status">Asking what would remain…</p> : null}
      {result ? (
        <div data-testid="whatif-result">
          <p role="status">
            If disabled at {fmtDate(result.at)}: {plural(result.findings.length, 'finding')} would remain.
          </p>
          <FindingGroups findings={result.findings} snapshot={doc.snapshot} label="whatif" />
        </div>
      ) : null}
    </section>
  );
}

export function Person({ id, loc, session }: { id: string; loc: Location; session: Session | null }) {
  const [doc, setDoc] = useState<PersonDoc | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setDoc(null);
    setError(null);
    get<PersonDoc>(`/v1/persons/${encodeURIComponent(id)}`)
      .then((d) => live && setDoc(d))
      .catch((e: ApiError) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [id]);
  useEffect(() => {
    if (doc) document.title = `${doc.person?.name ?? doc.members[0]?.name ?? id} — Revenant`;
  }, [doc]);

  if (error)
    return (
      <section>
        <h1>Person</h1>
        <p class="error" role="alert">
          {error}
        </p>
      </section>
    );
  if (!doc) return <p role="status">Loading {id}…</p>;
  const nameOf = new Map(doc.members.map((m) => [m.key, `${m.source} ${m.name}`]));
  const covered = Object.entries(doc.coverage);
  return (
    <article aria-labelledby="person-h" class="person">
      <header class="person-head">
        <h1 id="person-h">{doc.person?.name ?? doc.members[0]?.name ?? id}</h1>
        <p>
          {doc.person ? (
            <>
              person <code>{doc.person.id}</code> ·{' '}
            </>
          ) : null}
          {doc.departed ? <Closed value={doc.closed} /> : <span class="badge badge-none">has not left</span>} · snapshot <code>{doc.snapshot}</code> analysed {fmtDate(doc.at)}
        </p>
      </header>

      <section aria-labelledby="accounts-h">
        <h2 id="accounts-h">Accounts and records</h2>
        <table class="data" data-testid="accounts">
          <thead>
            <tr>
              <th scope="col">Source</th>
              <th scope="col">Name</th>
              <th scope="col">Id</th>
              <th scope="col">State</th>
              <th scope="col">Departed</th>
              <th scope="col">Time to disable (SLA {doc.sla})</th>
              <th scope="col">Closure</th>
            </tr>
          </thead>
          <tbody>
            {doc.members.map((m) => (
              <tr key={m.key}>
                <td>
                  <span class="src">{m.source}</span> <span class="muted small">{m.kind}</span>
                </td>
                <th scope="row">
                  {m.account ? <a href={graphHref(principalOf(m))}>{m.name}</a> : m.name}
                </th>
                <td>
                  <code>{m.id}</code>
                </td>
                <td>{m.report ? (m.report.departed ? (m.report.disabled ? 'disabled' : <strong class="warn">enabled</strong>) : 'active') : typeof m.props.status === 'string' ? m.props.status : ''}</td>
                <td>{m.report?.departed ? `${m.report.departedBecause.join(', ')}${m.report.departedAt ? ` · ${fmtDate(m.report.departedAt)}` : ''}` : '—'}</td>
                <td class={m.timeToDisable?.withinSla === false ? 'warn' : ''}>{m.timeToDisable?.text ?? '—'}</td>
                <td>{m.report ? m.report.closure : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="links-h">
        <h2 id="links-h">Why these belong together</h2>
        {doc.links.length === 0 ? (
          <p>No correlation link: {doc.members.length === 1 ? 'a single account.' : 'records linked through the person only.'}</p>
        ) : (
          <table class="data" data-testid="links">
            <thead>
              <tr>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">Key</th>
                <th scope="col">Value</th>
                <th scope="col">Strength</th>
              </tr>
            </thead>
            <tbody>
              {doc.links.map((l) => (
                <tr key={`${l.from}|${l.to}|${l.key}`}>
                  <td>{nameOf.get(l.from) ?? l.from}</td>
                  <td>{nameOf.get(l.to) ?? l.to}</td>
                  <td>{l.key}</td>
                  <td>
                    <code>{l.value}</code>
                  </td>
                  <td>
                    <span class={`badge link-${l.strength}`}>{l.strength}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {covered.some(([, c]) => c.partial.length || c.missing.length) ? (
        <section aria-labelledby="coverage-h">
          <h2 id="coverage-h">Coverage gaps</h2>
          <ul>
            {covered.map(([k, c]) =>
              c.partial.length || c.missing.length ? (
                <li key={k}>
                  <strong>{k}</strong>: {c.missing.length ? `missing ${c.missing.join(', ')}` : ''} {c.partial.length ? `partial ${c.partial.join(', ')}` : ''} — rules not covered:{' '}
                  {c.uncoveredRules.join(', ') || 'none'}
                </li>
              ) : null,
            )}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="findings-h" data-testid="findings">
        <h2 id="findings-h">
          Findings {doc.findings.some((f) => f.reaches.tier0) ? <Tier0 /> : null} {doc.findings.length ? <Severity value={SEVERITY_ORDER.find((s) => doc.findings.some((f) => f.severity === s)) ?? null} /> : null}
        </h2>
        <FindingGroups findings={doc.findings} snapshot={doc.snapshot} label="person" />
      </section>

      {doc.departed ? <Remediation subject={id} session={session} /> : null}

      <WhatIf doc={doc} session={session} on={loc.params.get('whatif') === '1'} />
    </article>
  );
}
