/**
 * Renders an attestation as one self-contained HTML page (the same no-request policy as the
 * report): final status first, then the accounts and systems, the timeline, each residual
 * finding with its status across snapshots, the remediation (each plan, every call of its journal
 * with its status and request id, and each verification: the findings before and after), and the
 * inputs with their SHA-256 — ending with the
 * SHA-256 of the attestation JSON it was rendered from, so a printed copy can be tied to it.
 */
import type { Attestation } from './evidence.js';
import { html } from './html.js';
import type { RemediationEvidence } from './remediationEvidence.js';
import { CSS, ruleId } from './renderHtml.js';

const when = (iso: string | null) => (iso ? iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, 'Z') : '–');
const st = (s: string | null) => (s ? html`<span class="badge st-${s}">${s}</span>` : html`<span class="muted">gone</span>`);

const EXTRA_CSS = `
.final{border:2px solid var(--live);border-radius:10px;padding:12px 16px;margin:18px 0}
.final.closed{border-color:var(--ok)}
.final .big{font-size:22px;font-weight:bold}
table.timeline td:first-child{white-space:nowrap}
.k-terminated,.k-disabled{font-weight:600}
.k-finding-removed,.k-closed,.k-verified{color:var(--ok)}
.k-remediation-skipped{color:#8d6e63}
.k-finding-out-of-sight,.k-reopened,.k-acceptance-expired{color:#8d6e63}
@page{size:A4;margin:14mm}
`;

/** Each plan, the calls of its journal and its verifications (before: at the plan's snapshot; after: read live). */
function remediationSection(rs: RemediationEvidence[]) {
  if (rs.length === 0) return html`<section id="remediation"><h2>Remediation</h2><p class="empty">No remediation plan was made for these accounts with Revenant.</p></section>`;
  return html`<section id="remediation"><h2>Remediation (${rs.length} plan${rs.length === 1 ? '' : 's'})</h2>${rs.map(
    (r) => html`<h3 data-plan="${r.plan.id}">Plan <code>${r.plan.id}</code> for ${r.plan.subject}</h3>
<p class="meta">Made ${when(r.plan.createdAt)} on snapshot <code>${r.plan.snapshot ?? '–'}</code> (data observed ${when(r.plan.observedAt)}): ${r.plan.summary.planned} to apply, ${r.plan.summary.excluded} held back by guard rails, ${r.plan.summary.manual} manual, ${r.plan.summary.accepted} accepted.
${r.runs.map((x) => html`Applied ${when(x.startedAt)} by ${x.by} (${x.mode}), ${x.endedAt ? html`ended ${when(x.endedAt)}${x.interrupted ? ' (interrupted)' : ''}` : 'no end recorded (interrupted)'}. `)}</p>
<table class="data remediation-calls"><thead><tr><th>#</th><th>Action</th><th>Call</th><th>Sent</th><th>Answered</th><th>Status</th><th>Request id</th><th>Outcome</th></tr></thead><tbody>${r.calls.map(
      (c) => html`<tr><td>${c.n}</td><td>${c.title}</td><td><code>${c.method} ${c.path}</code></td><td>${when(c.sentAt)}</td><td>${when(c.answeredAt)}</td><td>${c.status ?? '–'}</td><td><code>${c.requestId ?? '–'}</code></td><td>${c.outcome}${c.reason ? html`<br><span class="muted">${c.reason}</span>` : ''}</td></tr>`,
    )}</tbody></table>
${r.notes.length ? html`<ul class="remediation-notes">${r.notes.map((n) => html`<li>${when(n.at)}: ${n.text}</li>`)}</ul>` : ''}
${r.verifications.map(
  (v) => html`<h4>Verified ${when(v.verifiedAt)}: ${v.closed ? 'closed' : 'not closed'}</h4>
<p class="meta">Before: snapshot <code>${v.before.snapshot ?? '–'}</code>, observed ${when(v.before.observedAt)}. After: snapshot <code>${v.after.snapshot}</code>, read live ${when(v.after.observedAt)}. ${v.summary.gone} gone, ${v.summary.remains} remaining, ${v.summary.new} new.</p>
<table class="data verification"><thead><tr><th>Rule</th><th>Via</th><th>Before</th><th>After</th><th>Outcome</th></tr></thead><tbody>${v.findings.map(
    (f) => html`<tr data-finding="${f.id}"><td>${ruleId(f.rule)}</td><td>${f.via.kind}<br>${f.via.name}</td><td>${f.before?.status ?? '–'}</td><td>${f.after?.status ?? 'gone'}</td><td>${f.outcome}${f.outcome === 'gone' ? '' : html`<br><span class="muted">${f.why}</span>`}</td></tr>`,
  )}</tbody></table>`,
)}`,
  )}</section>`;
}

export function renderEvidenceHtml(a: Attestation, jsonSha256: string): string {
  const who = a.person ? a.person.name : (a.accounts[0]?.name ?? a.query);
  const body = html`<header class="top"><h1>Leaver attestation: ${who}</h1>
<p class="meta">Subject asked for: <code>${a.query}</code>${a.person ? html` — person <code>${a.person.id}</code>` : ''}. Status as of snapshot <code>${a.snapshot}</code>, analysis time ${when(a.at)}.</p></header>
<main>
<section id="final" class="final ${a.final.closed ? 'closed' : ''}"><span class="big">${a.final.closed ? 'Closed' : 'Not closed'}</span>
<p>${a.final.why}</p><p class="meta">${a.final.open} open finding${a.final.open === 1 ? '' : 's'}, ${a.final.accepted} accepted.</p></section>
<section id="accounts"><h2>Accounts and systems</h2>
<table class="data"><thead><tr><th>System</th><th>Account</th><th>Departed because</th><th>Terminated</th><th>Disabled / departed</th><th>Closed</th></tr></thead><tbody>${a.accounts.map(
    (x) => html`<tr><td>${x.source}<br><span class="muted">${x.tenant ?? ''}</span></td><td>${x.name}<br><span class="muted">${x.id}</span></td><td>${x.departedBecause.join(', ') || (x.departed ? '' : 'not departed')}</td><td>${when(x.terminatedAt)}</td><td>${x.departed ? html`${when(x.departedAt)}<br><span class="muted">${x.departedAtFrom ?? 'time unknown'}; ${x.disabled ? 'disabled' : 'still enabled'}</span>` : '–'}</td><td>${
      x.closed === null ? '–' : x.closed ? html`<span class="yes">closed</span>` : html`<span class="no">not closed</span>`
    }<br><span class="muted">${x.closure}</span></td></tr>`,
  )}</tbody></table></section>
<section id="timeline"><h2>Timeline</h2>
<table class="data timeline"><thead><tr><th>When</th><th>Event</th><th>What</th><th>Seen in snapshot</th></tr></thead><tbody>${a.timeline.map(
    (e) => html`<tr class="k-${e.kind}"><td>${when(e.at)}</td><td>${e.kind}</td><td>${e.text}${e.finding ? html`<br><code class="muted">${e.finding}</code>` : ''}</td><td>${e.snapshot ? html`<code>${e.snapshot}</code>` : '–'}</td></tr>`,
  )}</tbody></table></section>
${remediationSection(a.remediation)}
<section id="evidence-findings"><h2>Residual findings (${a.findings.length})</h2>
${
  a.findings.length === 0
    ? html`<p class="empty">No residual finding was ever recorded for these accounts.</p>`
    : html`<table class="data"><thead><tr><th>Rule</th><th>Via</th><th>Severity</th><th>Now</th><th>Status by snapshot</th><th>First seen</th><th>Ended</th><th>Evidence and remediation</th></tr></thead><tbody>${a.findings.map(
        (f) => html`<tr data-finding="${f.id}"><td>${ruleId(f.rule)}<br><span class="muted">${f.subject.name}</span></td><td>${f.via.kind}<br>${f.via.name}</td><td><span class="badge sv-${f.severity}">${f.severity}</span></td><td>${st(f.status)}${
          f.acceptance ? html`<br><span class="muted">acceptance ${f.acceptance.state}, until ${when(f.acceptance.until)} (${f.acceptance.by})</span>` : ''
        }</td><td>${f.history.map((h) => html`${when(h.at)}: ${h.status}<br>`)}</td><td>${when(f.firstSeen.at)}</td><td>${f.ended ? html`${when(f.ended.at)}<br>${f.ended.how}` : '–'}</td><td><code>${f.evidence.join('; ')}</code><br><code>${f.remediation.join(' | ')}</code></td></tr>`,
      )}</tbody></table>`
}</section>
<section id="inputs"><h2>Inputs</h2>
<p class="meta">Every snapshot this attestation rests on, with the SHA-256 of each collection file it was loaded from.</p>
${a.inputs.map(
  (s) => html`<h3>Snapshot <code>${s.snapshot}</code></h3><p class="meta">Collected ${when(s.at)}, loaded ${when(s.createdAt)}; sources: ${s.sources.map((x) => `${x.source} ${x.tenant}`).join(', ')}.</p>
<table class="data inputs"><thead><tr><th>File</th><th>Objects</th><th>Bytes</th><th>SHA-256</th></tr></thead><tbody>${s.files.map((f) => html`<tr><td><code>${f.name}</code></td><td>${f.objects}</td><td>${f.bytes}</td><td><code>${f.sha256}</code></td></tr>`)}</tbody></table>`,
)}</section>
<section id="method"><h2>Method</h2><p>${a.method.note}</p>
<p class="meta">Revenant ${a.method.tool.version} on Node ${a.method.node}; generated ${when(a.method.generatedAt)}. Format <code>${a.format}</code>. SHA-256 of the attestation JSON: <code id="attestation-sha256">${jsonSha256}</code>.</p></section>
</main>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Leaver attestation</title>
<style>${CSS}${EXTRA_CSS}</style></head>
<body>
${body.text}
</body></html>
`;
}
