/**
 * One finding in the person view: rule, status, severity, validUntil, the subject's and the
 * `via` object's ids, what it reaches; a disclosure button opens the path drawing, the evidence
 * (file:line, each with its raw object from the collection on demand) and the remediation call
 * with a copy button. Each card is a section of its own (issue 14 adds its plan panel beside).
 */
import { useState } from 'preact/hooks';
import { ApiError, get } from '../api';
import { fmtDate } from '../format';
import type { Finding } from '../types';
import { Severity, Status, Tier0 } from './Badges';
import { PathGraph } from './PathGraph';

interface Evidence {
  ref: string;
  verified: boolean;
  note: string;
  object: unknown;
}

function EvidenceItem({ evRef, snapshot }: { evRef: string; snapshot: string }) {
  const [open, setOpen] = useState(false);
  const [ev, setEv] = useState<Evidence | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const toggle = () => {
    setOpen(!open);
    if (!ev && !err) {
      get<Evidence>('/v1/evidence', { ref: evRef, snapshot })
        .then(setEv)
        .catch((e: ApiError) => setErr(e.message));
    }
  };
  return (
    <li>
      <code>{evRef}</code>{' '}
      <button type="button" class="link" aria-expanded={open} onClick={toggle}>
        {open ? 'hide raw object' : 'raw object'}
      </button>
      {open ? (
        <div class="raw">
          {err ? <p class="error">{err}</p> : null}
          {ev ? (
            <>
              <p class="muted">{ev.note}</p>
              <pre tabIndex={0}>{JSON.stringify(ev.object, null, 2)}</pre>
            </>
          ) : null}
          {!ev && !err ? <p class="muted">Loading…</p> : null}
        </div>
      ) : null}
    </li>
  );
}

function CopyButton({ text }: { text: string }) {
  const [done, setDone] = useState('');
  const copy = () => {
    navigator.clipboard
      .writeText(text)
      .then(() => setDone('Copied'))
      .catch(() => setDone('Copy failed: select the text'));
    setTimeout(() => setDone(''), 2500);
  };
  return (
    <>
      <button type="button" onClick={copy} aria-label="Copy the remediation call">
        Copy
      </button>
      <span role="status" class="muted">
        {done}
      </span>
    </>
  );
}

export function FindingCard({ f, snapshot, open: initiallyOpen = false }: { f: Finding; snapshot: string; open?: boolean }) {
  const [open, setOpen] = useState(initiallyOpen);
  const id = `finding-${f.id}`;
  return (
    <article class={`finding sev-border-${f.severity}`} id={id} data-rule={f.rule} data-status={f.status} data-severity={f.severity} data-via={f.via.id} aria-labelledby={`${id}-h`}>
      <header>
        <h4 id={`${id}-h`}>
          <code>{f.rule}</code> <Status value={f.status} /> <Severity value={f.severity} /> {f.reaches.tier0 ? <Tier0 /> : null}
        </h4>
        <dl class="facts">
          <dt>subject</dt>
          <dd>
            {f.subject.name} <code>{f.subject.id}</code> ({f.subject.source})
          </dd>
          <dt>via</dt>
          <dd>
            {f.via.kind} {f.via.name !== f.via.id ? f.via.name : ''} <code class="via-id">{f.via.id}</code>
          </dd>
          <dt>valid until</dt>
          <dd>{f.validUntil ? fmtDate(f.validUntil) : 'no expiry known'}</dd>
          {f.reaches.privileges.length ? (
            <>
              <dt>reaches</dt>
              <dd>{f.reaches.privileges.join('; ')}</dd>
            </>
          ) : null}
          {f.firstSeen ? (
            <>
              <dt>first seen</dt>
              <dd>{fmtDate(f.firstSeen.at)}</dd>
            </>
          ) : null}
        </dl>
        <button type="button" class="disclosure" aria-expanded={open} aria-controls={`${id}-body`} onClick={() => setOpen(!open)}>
          {open ? 'Hide path, evidence and fix' : 'Show path, evidence and fix'}
        </button>
      </header>
      {open ? (
        <div id={`${id}-body`} class="finding-body">
          <section aria-label="Path">
            <h5>Path</h5>
            <PathGraph steps={f.path} tier0={f.reaches.tier0} title={`${f.rule} ${f.subject.name}`} />
          </section>
          <section aria-label="Evidence">
            <h5>Evidence</h5>
            <ul class="evidence">
              {f.evidence.map((e) => (
                <EvidenceItem key={e} evRef={e} snapshot={snapshot} />
              ))}
            </ul>
          </section>
          <section aria-label="Remediation">
            <h5>Remediation</h5>
            {f.remediation.map((r) => (
              <p class="remediation" key={r}>
                <code>{r}</code> <CopyButton text={r} />
              </p>
            ))}
          </section>
        </div>
      ) : null}
    </article>
  );
}
