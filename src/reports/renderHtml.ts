/**
 * Renders a report model as one self-contained HTML page: inline CSS, inline SVG (charts and
 * path pictures), no script, no external resource of any kind — a Content-Security-Policy of
 * `default-src 'none'` makes the browser refuse any request, so the page opens from disk, in an
 * archive or an e-mail, and never calls out. Long tables show their first rows and collapse the
 * rest; past a cap they point to the CSV files, so the page stays small at any tenant size.
 */
import type { Finding } from '../../queries/residual.js';
import type { ReportDoc, ReportFinding } from './buildReport.js';
import type { RenderedCharts } from './charts.js';
import { formatDuration } from './duration.js';
import { type Html, html, longTable, plural, raw, rowsOf } from './html.js';
import type { AccountRow, LeaverRow } from './leavers.js';
import { pathPicture } from './pathPicture.js';
import type { SnapshotMeta } from './reportInputs.js';

/** Most path pictures drawn; further tier-0 paths are listed in a table. */
export const MAX_PICTURES = 60;
export const MAX_TABLE_ROWS = 2000;

export const CSS = `
:root{--fg:#1f2933;--muted:#5f6b7a;--line:#d9e2ec;--bg:#f7f9fb;--live:#c62828;--window:#ef6c00;--unverified:#6a1b9a;--dormant:#78909c;--ok:#2e7d32}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 Helvetica,Arial,sans-serif;color:var(--fg);background:#fff}
header.top{padding:20px 32px 12px;border-bottom:3px solid #263238;background:var(--bg)}
header.top h1{margin:0 0 6px;font-size:22px}
.meta{color:var(--muted);font-size:12.5px;margin:2px 0}
nav.toc{padding:8px 32px;border-bottom:1px solid var(--line);font-size:12.5px}
nav.toc a{margin-right:14px;color:#1565c0;text-decoration:none}
main{padding:0 32px 40px;max-width:1400px}
section{margin-top:28px}
h2{font-size:18px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}
.strip{display:flex;flex-wrap:wrap;gap:10px}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:150px;background:#fff}
.card .value{display:block;font-size:24px;font-weight:bold}
.card .label{display:block;font-size:12px;color:var(--muted)}
.card .sub{display:block;font-size:11.5px;color:var(--muted)}
.card.bad .value{color:var(--live)}
.card.good .value{color:var(--ok)}
.card.apart{border-style:dashed;border-color:#8d6e63;background:#fffaf3}
table.data{border-collapse:collapse;width:100%;font-size:12.5px;margin:6px 0}
table.data th,table.data td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
table.data th{background:var(--bg);font-weight:600}
table.data caption{text-align:left;color:var(--muted);font-size:12px;padding:2px 0}
td code,li code,p code{font-size:11.5px;word-break:break-all}
code.rule{word-break:normal;overflow-wrap:normal}
td.fix{min-width:280px}
.when,.count{white-space:nowrap}
tbody.leaver{border-top:2px solid var(--line)}
tbody.leaver td.who{background:#fcfdfe}
.badge{display:inline-block;padding:0 6px;border-radius:9px;font-size:11px;font-weight:600;color:#fff;background:#607d8b;white-space:nowrap}
.st-live{background:var(--live)}.st-window{background:var(--window)}.st-unverified{background:var(--unverified)}.st-dormant{background:var(--dormant)}
.sv-critical{background:#8e0000}.sv-high{background:#d84315}.sv-medium{background:#f9a825;color:#222}.sv-low{background:#90a4ae}
.yes{color:var(--ok);font-weight:600}.no{color:var(--live);font-weight:600}
.over{color:var(--live)}
.muted{color:var(--muted)}
figure{margin:10px 0 18px}
figure.chart{display:inline-block;vertical-align:top;margin-right:24px}
figure svg{max-width:100%;height:auto}
figcaption{font-size:12px;color:var(--muted);max-width:900px}
figure.path-figure{border:1px solid var(--line);border-radius:8px;padding:10px;background:#fff}
details.more{margin:4px 0}
details.more summary{cursor:pointer;color:#1565c0;font-size:12.5px}
p.capped,p.empty{color:var(--muted);font-style:italic}
.apart-box{border:1px dashed #8d6e63;background:#fffaf3;border-radius:8px;padding:8px 14px}
ul.lim li{margin:3px 0}
@media print{nav.toc{display:none}details.more{display:none}}
`;

const st = (s: string) => html`<span class="badge st-${s}">${s}</span>`;
const sv = (s: string) => html`<span class="badge sv-${s}">${s}</span>`;
const yesNo = (v: boolean | null, yes = 'yes', no = 'no') => (v === null ? html`<span class="muted">–</span>` : v ? html`<span class="yes">${yes}</span>` : html`<span class="no">${no}</span>`);
const when = (iso: string | null) => (iso ? html`<span class="when">${iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, 'Z')}</span>` : '–');

function card(metric: string, value: string | number, label: string, sub?: string, cls = ''): Html {
  return html`<div class="card ${cls}" data-metric="${metric}"><span class="value">${value}</span><span class="label">${label}</span>${sub ? html`<span class="sub">${sub}</span>` : ''}</div>`;
}

/** A rule id that may break only after its dots. */
export const ruleId = (r: string) => html`<code class="rule">${r.split('.').map((p, i, all) => html`${p}${i < all.length - 1 ? html`.<wbr>` : ''}`)}</code>`;

function findingRow(f: Finding | ReportFinding, extra: (Html | string)[] = [], withFix = false): Html {
  return html`<tr data-finding="${f.id}"><td>${sv(f.severity)}</td><td>${st(f.status)}</td><td>${ruleId(f.rule)}</td><td>${f.subject.name}<br><span class="muted">${f.subject.source}</span></td><td>${f.via.kind}<br>${f.via.name}</td><td>${
    f.reaches.tier0 ? html`<strong class="over">tier 0</strong> ` : ''
  }${f.reaches.privileges.slice(0, 3).join('; ')}${f.reaches.privileges.length > 3 ? ` (+${f.reaches.privileges.length - 3})` : ''}</td>${extra.map((e) => html`<td>${e}</td>`)}${
    withFix ? html`<td class="fix"><code>${f.remediation[0] ?? ''}</code></td>` : ''
  }</tr>`;
}

const FINDING_HEAD = ['Severity', 'Status', 'Rule', 'Subject', 'Via', 'Reaches'];

function summarySection(r: ReportDoc): Html {
  const s = r.summary;
  const t = s.timeToDisable;
  return html`<section id="summary"><h2>Summary</h2>
<div class="strip">
${card('leavers-in-period', s.leaversInPeriod, 'leavers departed in the period', `${plural(s.accountsInPeriod, 'account')}; ${s.leavers} leavers in all`)}
${card('closed-pct', s.closedInPeriodPct === null ? '–' : `${s.closedInPeriodPct}%`, 'of the period’s leavers closed', `${s.closedInPeriod} of ${s.leaversInPeriod}`, s.closedInPeriodPct === 100 ? 'good' : '')}
${card('live-now', s.liveNow, 'live paths now', `${s.liveTier0Now} ${s.liveTier0Now === 1 ? 'reaches' : 'reach'} tier 0`, s.liveNow ? 'bad' : 'good')}
${card('open', s.open.total, 'open findings', `${s.open.window} window, ${s.open.unverified} unverified, ${s.open.dormant} dormant`)}
${card('new', s.new, 'new since baseline')}
${card('resolved', s.resolved, 'resolved since baseline', undefined, s.resolved ? 'good' : '')}
${card('persisting', s.persisting, 'persisting', `${s.changedStatus} changed status`)}
${card('regressed', s.regressed, 'regressed to live', undefined, s.regressed ? 'bad' : '')}
${card('accepted', s.accepted, 'accepted (shown apart)', s.acceptanceExpired ? `${plural(s.acceptanceExpired, 'acceptance')} expired: back to open` : undefined)}
${card('sla', t.measured ? `${t.withinSla}/${t.measured}` : '–', `disabled within the ${r.sla.text} SLA`, `${t.notDisabled} not disabled; ${t.unmeasured} not measurable`, t.overSla ? 'bad' : '')}
${card('coverage-lost', s.coverageLost.findings, 'no longer visible: coverage lost', `${plural(s.coverageLost.rules, 'rule')} newly uncovered in ${plural(s.coverageLost.sources, 'source')} — not counted as resolved`, 'apart')}
</div></section>`;
}

function changesSection(r: ReportDoc, byId: Map<string, ReportFinding>): Html {
  const regressed = r.changes.changed.filter((c) => c.regression);
  const other = r.changes.changed.filter((c) => !c.regression);
  const change = (c: { id: string; before: string; after: string }) => {
    const f = byId.get(c.id)!;
    return findingRow(f, [html`${st(c.before)} → ${st(c.after)}`]);
  };
  return html`<section id="changes"><h2>Changes since the baseline</h2>
<p class="meta">Baseline: ${r.baseline.snapshot ? html`snapshot <code>${r.baseline.snapshot}</code> collected ${when(r.baseline.at)}` : 'none'} — ${r.baseline.why}.</p>
<h3 id="changes-regressed">Regressed to live (${regressed.length})</h3>
${longTable({ id: 'table-regressed', header: [...FINDING_HEAD, 'Status change'], rows: rowsOf(regressed, change), moreIn: 'findings.csv (change = regressed)', empty: 'No finding became live.' })}
<h3 id="changes-new">New (${r.changes.new.length})</h3>
${r.baseline.snapshot === null ? html`<p class="empty" id="table-new">No baseline: every finding is new (see Open findings).</p>` : longTable({ id: 'table-new', header: [...FINDING_HEAD, 'First seen'], rows: rowsOf(r.changes.new, (id) => findingRow(byId.get(id)!, [when(byId.get(id)!.firstSeen?.at ?? null)])), cap: 500, moreIn: 'findings.csv (change = new)', empty: 'No new finding.' })}
<h3 id="changes-resolved">Resolved (${r.changes.resolved.length})</h3>
${longTable({ id: 'table-resolved', header: FINDING_HEAD, rows: rowsOf(r.changes.resolved, (f) => findingRow(f)), cap: 500, moreIn: 'report.json (changes.resolved)', empty: 'No finding resolved.' })}
<h3 id="changes-other">Other status changes (${other.length})</h3>
${longTable({ id: 'table-changed', header: [...FINDING_HEAD, 'Status change'], rows: rowsOf(other, change), moreIn: 'findings.csv (change = changed)', empty: 'None.' })}
</section>
<section id="coverage-lost"><h2>Coverage lost (kept apart from resolved)</h2>
<div class="apart-box">
<p>Findings that disappeared because the data that decides them went from complete to partial or missing are <strong>not</strong> resolved: nobody can tell from this collection whether the access still exists.</p>
${
  r.changes.coverageLost.length === 0
    ? html`<p class="empty">No coverage was lost since the baseline.</p>`
    : r.changes.coverageLost.map(
        (c) => html`<h3>${c.sourceKey}</h3><p>Datasets no longer complete: <code>${c.datasets.join(', ') || '–'}</code>. Rules newly uncovered: <code>${c.rules.join(', ') || '–'}</code>.</p>
${longTable({ id: `table-coverage-lost-${c.sourceKey.replace(/[^a-z0-9]+/gi, '-')}`, header: FINDING_HEAD, rows: rowsOf(c.findings, (f) => findingRow(f)), cap: 200, moreIn: 'report.json (changes.coverageLost)', empty: 'No finding of the baseline depended on it.' })}`,
      )
}
</div></section>`;
}

function trendsSection(r: ReportDoc, charts: RenderedCharts): Html {
  return html`<section id="trends"><h2>Findings over snapshots</h2>
<figure class="chart" id="chart-status">${raw(charts.status)}<figcaption>Findings stored in ${r.trend.length === 1 ? 'the snapshot' : `each of the last ${r.trend.length} snapshots`}, by status (acceptances not applied).</figcaption></figure>
<figure class="chart" id="chart-severity">${raw(charts.severity)}<figcaption>The same findings by severity.</figcaption></figure>
</section>`;
}

function findingCounts(a: AccountRow): Html {
  const c = a.findings;
  const parts: Html[] = [];
  for (const k of ['live', 'window', 'unverified', 'dormant'] as const) if (c[k]) parts.push(html`<span class="count">${st(k)} ${c[k]}</span> `);
  if (c.accepted) parts.push(html`<span class="count"><span class="badge">accepted</span> ${c.accepted}</span>`);
  return parts.length ? html`${parts}` : html`<span class="muted">none</span>`;
}

/** One leaver: a `<tbody>` with a row per account; the leaver and the closure span them. */
function leaverBody(l: LeaverRow): Html {
  const n = l.accounts.length;
  const rows = l.accounts.map((a, i) => {
    const lead =
      i === 0
        ? html`<td rowspan="${n}" class="who"><strong>${l.name}</strong><br><span class="muted">${l.person}</span>${l.inPeriod ? '' : html`<br><span class="muted">departed before the period</span>`}</td>`
        : '';
    const tail = i === 0 ? html`<td rowspan="${n}">${yesNo(l.closed, 'closed', 'not closed')}<br><span class="muted">${l.why}</span></td>` : '';
    return html`<tr>${lead}<td>${a.source}<br><span class="muted">${a.tenant}</span></td><td>${a.name}${a.departed ? '' : html` <span class="badge">active</span>`}</td>
<td>${when(a.terminatedAt)}${a.terminatedFrom ? html`<br><span class="muted">${a.terminatedFrom}</span>` : ''}</td>
<td>${a.departed ? html`${when(a.departedAt)}<br><span class="muted">${a.departedAtFrom ?? 'unknown'}; ${a.disabled ? 'disabled' : 'still enabled'}</span>` : '–'}</td>
<td>${a.departed ? html`<span class="${a.timeToDisable.withinSla === false ? 'over' : ''}">${a.timeToDisable.text}</span>` : '–'}</td>
<td>${a.departed ? findingCounts(a) : '–'}</td>${tail}</tr>`;
  });
  return html`<tbody class="leaver" data-person="${l.person}" data-closed="${String(l.closed)}">${rows}</tbody>`;
}

function leaversSection(r: ReportDoc, charts: RenderedCharts): Html {
  const shown = r.leavers.filter((l) => l.inPeriod || !l.closed);
  return html`<section id="leavers"><h2>Leavers</h2>
<p class="meta">Every leaver who departed in the period${r.period.from ? html` (after ${when(r.period.from)})` : ''}, and every earlier leaver who is still not closed: ${plural(shown.length, 'leaver')}, worst first. Time to disable runs from the termination (HR roster, else the Entra leave date) to the disable in each system, against the ${r.sla.text} SLA.</p>
<figure class="chart" id="chart-time-to-disable">${raw(charts.timeToDisable)}<figcaption>Time to disable per departed account (${r.summary.timeToDisable.measured} measurable, ${r.summary.timeToDisable.unmeasured} without a termination or disable time).</figcaption></figure>
${longTable({
  id: 'table-leavers',
  header: ['Leaver', 'System', 'Account', 'Terminated', 'Departed / disabled', 'Time to disable', 'Residual findings', 'Closed'],
  rows: rowsOf(shown, leaverBody),
  bodies: true,
  cap: MAX_TABLE_ROWS,
  moreIn: 'leavers.csv',
  empty: 'No leaver in the period and none still open.',
})}
</section>`;
}

function tier0Section(r: ReportDoc, byId: Map<string, ReportFinding>): Html {
  const fs = r.tier0Live.map((id) => byId.get(id)!);
  const pictures = fs.slice(0, MAX_PICTURES).map(
    (f) => html`<figure class="path-figure" data-finding="${f.id}">${raw(pathPicture(f))}<figcaption>${sv(f.severity)} ${st(f.status)} <code>${f.rule}</code> — ${f.subject.name} via ${f.via.kind} ${f.via.name}${
      f.validUntil ? ` (ends by itself ${String(when(f.validUntil))})` : ''
    }; reaches ${f.reaches.privileges.join('; ')}.<br>Fix: <code>${f.remediation[0] ?? ''}</code></figcaption></figure>`,
  );
  return html`<section id="tier0"><h2>Live paths reaching tier 0 (${fs.length})</h2>
${fs.length === 0 ? html`<p class="empty">No live path reaches tier 0.</p>` : pictures}
${
  fs.length > MAX_PICTURES
    ? html`<h3>Further tier-0 paths</h3>${longTable({ id: 'table-tier0-more', header: FINDING_HEAD, rows: rowsOf(fs.slice(MAX_PICTURES), (f) => findingRow(f)), moreIn: 'findings.csv (tier0 = true)' })}`
    : ''
}</section>`;
}

function ownerlessSection(r: ReportDoc): Html {
  return html`<section id="ownerless"><h2>Ownerless machine identities (${r.ownerless.length})</h2>
<p class="meta">Applications and service principals whose every owner has departed (<code>nhi.ownerless</code>): nobody accountable remains for the machine identity.</p>
${longTable({
  id: 'table-ownerless',
  header: ['Machine identity', 'Kind', 'Departed owners', 'Severity', 'Accepted'],
  rows: rowsOf(r.ownerless, 
    (o) => html`<tr data-via="${o.via.id}"><td>${o.via.name}<br><span class="muted">${o.via.id}</span></td><td>${o.via.kind}</td><td>${o.owners.map((x) => x.name).join(', ')}</td><td>${sv(o.severity)}</td><td>${o.accepted ? 'yes' : 'no'}</td></tr>`,
  ),
  cap: 1000,
  moreIn: 'findings.csv (rule = nhi.ownerless)',
  empty: 'No ownerless machine identity.',
})}</section>`;
}

function remediationsSection(r: ReportDoc): Html {
  return html`<section id="remediations"><h2>Top remediations</h2>
<p class="meta">Open findings grouped by what to do about them, worst first. Every finding's exact call is in findings.csv (remediation).</p>
${longTable({
  id: 'table-remediations',
  header: ['Action', 'Worst', 'Findings by status', 'Rule', 'Example'],
  rows: rowsOf(r.remediations, 
    (g) => html`<tr data-rule="${g.rule}"><td><strong>${g.action}</strong></td><td>${sv(g.worstSeverity)}</td><td>${Object.entries(g.byStatus).map(([k, v]) => html`${st(k)} ${v} `)}</td><td>${ruleId(g.rule)}</td><td><code>${g.example}</code></td></tr>`,
  ),
  empty: 'Nothing to remediate.',
})}</section>`;
}

function findingsSection(r: ReportDoc): Html {
  const open = r.findings.filter((f) => f.acceptance?.state !== 'accepted');
  return html`<section id="findings"><h2>Open findings (${open.length})</h2>
${longTable({
  id: 'table-findings',
  header: [...FINDING_HEAD, 'Change', 'First seen', 'Valid until', 'Remediation'],
  rows: rowsOf(open, (f) =>
    findingRow(f, [
      html`${f.change}${f.acceptance?.state === 'expired' ? html`<br><span class="over">acceptance expired ${when(f.acceptance.until)}</span>` : ''}`,
      when(f.firstSeen?.at ?? null),
      when(f.validUntil),
    ], true),
  ),
  cap: MAX_TABLE_ROWS,
  moreIn: 'findings.csv',
  empty: 'No open finding.',
})}</section>`;
}

function acceptedSection(r: ReportDoc): Html {
  const accepted = r.findings.filter((f) => f.acceptance?.state === 'accepted');
  const expired = r.findings.filter((f) => f.acceptance?.state === 'expired');
  return html`<section id="accepted"><h2>Accepted risks (${accepted.length})</h2>
<p class="meta">Findings someone accountable accepted until a date (<code>revenant accept</code>). They are not counted as open while the acceptance holds at the analysis time, and return to open when it expires.</p>
${longTable({
  id: 'table-accepted',
  header: [...FINDING_HEAD, 'Accepted until', 'By', 'Reason'],
  rows: rowsOf(accepted, (f) => findingRow(f, [when(f.acceptance!.until), f.acceptance!.by, f.acceptance!.reason])),
  empty: 'No accepted finding.',
})}
${
  expired.length
    ? html`<h3 id="accepted-expired">Expired acceptances, back to open (${expired.length})</h3>${longTable({
        id: 'table-acceptance-expired',
        header: [...FINDING_HEAD, 'Expired', 'By', 'Reason'],
        rows: rowsOf(expired, (f) => findingRow(f, [when(f.acceptance!.until), f.acceptance!.by, f.acceptance!.reason])),
      })}`
    : ''
}</section>`;
}

function coverageSection(r: ReportDoc): Html {
  return html`<section id="coverage"><h2>Coverage and limitations</h2>
${longTable({
  id: 'table-coverage',
  header: ['Source', 'Partial datasets', 'Missing datasets', 'Uncovered rules', 'Complete datasets'],
  rows: rowsOf(r.coverage, 
    (c) => html`<tr data-source="${c.sourceKey}"><td>${c.source}<br><span class="muted">${c.tenant}</span></td><td>${c.partial.map((d) => html`<code>${d}</code>: ${c.reasons[d] ?? ''}<br>`)}</td><td>${c.missing.map(
      (d) => html`<code>${d}</code>: ${c.reasons[d] ?? ''}<br>`,
    )}</td><td>${c.uncoveredRules.length ? c.uncoveredRules.map((x) => html`<code>${x}</code><br>`) : html`<span class="yes">none</span>`}</td><td class="muted">${c.complete.join(', ')}</td></tr>`,
  ),
})}
<ul class="lim">${r.limitations.map((l) => html`<li>${l}</li>`)}</ul></section>`;
}

function snapshotBlock(title: string, m: SnapshotMeta): Html {
  return html`<h3>${title}: <code>${m.id}</code></h3>
<p class="meta">Collected ${when(m.at)}; loaded ${when(m.createdAt)}; collections: ${m.collections.join(', ') || '–'}.</p>
<table class="data"><thead><tr><th>Source</th><th>Tenant</th><th>Collected</th><th>Folder</th><th>Datasets</th></tr></thead><tbody>${m.sources.map((s) => {
    const st2 = Object.values(s.datasets);
    return html`<tr><td>${s.source}</td><td>${s.tenant}</td><td>${when(s.collectedAt)}</td><td><code>${s.folder}</code></td><td>${st2.filter((d) => d.status === 'complete').length} complete, ${st2.filter((d) => d.status === 'partial').length} partial, ${st2.filter((d) => d.status === 'missing').length} missing</td></tr>`;
  })}</tbody></table>
<details class="more" ${m.files.length <= 40 ? raw('open') : ''}><summary>${plural(m.files.length, 'input file')} and their SHA-256</summary>
<table class="data inputs"><thead><tr><th>File</th><th>Objects</th><th>Bytes</th><th>SHA-256</th></tr></thead><tbody>${m.files.map(
    (f) => html`<tr><td><code>${f.name}</code></td><td>${f.objects}</td><td>${f.bytes}</td><td><code>${f.sha256}</code></td></tr>`,
  )}</tbody></table></details>`;
}

function methodSection(r: ReportDoc, charts: RenderedCharts): Html {
  const m = r.method;
  return html`<section id="method"><h2>Method</h2>
<p>Revenant ${m.tool.version} on Node ${m.node}; charts by Vega ${charts.renderer.vega} / Vega-Lite ${charts.renderer.vegaLite}, rendered to SVG without a browser. Report format <code>${r.format}</code>, generated ${when(m.generatedAt)} from a store holding ${plural(m.snapshotsInStore, 'snapshot')}.</p>
<p>Each snapshot stores the residual-access analysis of every departed subject at its collection time, computed when it was loaded; this report reads those stored results and recomputes nothing. Analysis time: <code>${r.at}</code>. Findings keep stable ids (a hash of rule, subject and via) across snapshots, so changes are matched by id. A finding absent from the reported snapshot is <em>resolved</em> only when the data that decides it is still complete; otherwise it is listed under coverage lost. Acceptances are read from ${m.acceptancesFile} and judged at the analysis time.</p>
${snapshotBlock('Reported snapshot', m.snapshot)}
${m.baseline ? snapshotBlock('Baseline snapshot', m.baseline) : html`<p class="meta">No baseline snapshot.</p>`}
<h3>Rule catalogue</h3>
<table class="data" id="table-rules"><thead><tr><th>Rule</th><th>Title</th><th>Applies to</th><th>Statuses</th><th>Datasets needed</th><th>Via</th></tr></thead><tbody>${m.rules.map(
    (x) => html`<tr><td><code>${x.id}</code></td><td>${x.title}</td><td>${x.appliesTo === 'disabled' ? 'subjects disabled in their own source' : 'every departed subject'}</td><td>${x.statuses.join(', ')}</td><td>${Object.entries(x.needs).map(([k, v]) => html`${k}: ${v.join(', ')}<br>`)}</td><td>${x.via}</td></tr>`,
  )}</tbody></table></section>`;
}

export function renderReportHtml(r: ReportDoc, charts: RenderedCharts): string {
  const byId = new Map(r.findings.map((f) => [f.id, f]));
  const body = html`<header class="top"><h1>Residual access report</h1>
<p class="meta">Snapshot <code>${r.snapshot}</code>, analysis time ${when(r.at)}. Period: ${r.period.from ? when(r.period.from) : 'from the beginning'} to ${when(r.period.to)}. SLA to disable: ${r.sla.text}.</p>
<p class="meta">Compared with ${r.baseline.snapshot ? html`snapshot <code>${r.baseline.snapshot}</code> (${r.baseline.why})` : r.baseline.why}.</p></header>
<nav class="toc"><a href="#summary">Summary</a><a href="#changes">Changes</a><a href="#coverage-lost">Coverage lost</a><a href="#trends">Trends</a><a href="#leavers">Leavers</a><a href="#tier0">Tier 0</a><a href="#ownerless">Ownerless</a><a href="#remediations">Remediations</a><a href="#findings">Findings</a><a href="#accepted">Accepted</a><a href="#coverage">Coverage</a><a href="#method">Method</a></nav>
<main>
${summarySection(r)}
${changesSection(r, byId)}
${trendsSection(r, charts)}
${leaversSection(r, charts)}
${tier0Section(r, byId)}
${ownerlessSection(r)}
${remediationsSection(r)}
${findingsSection(r)}
${acceptedSection(r)}
${coverageSection(r)}
${methodSection(r, charts)}
</main>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="revenant ${r.method.tool.version}">
<link rel="icon" href="data:,">
<title>Residual access report — ${escTitle(r.snapshot)}</title>
<style>${CSS}</style></head>
<body>
${body.text}
<footer class="meta" style="padding:12px 32px">Revenant ${escTitle(r.method.tool.version)} — ${formatDuration(r.sla.ms)} SLA — report.json, findings.csv and leavers.csv beside this file hold every row.</footer>
</body></html>
`;
}

function escTitle(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
