/**
 * Per-leaver evidence (`revenant evidence SUBJECT`): an attestation an auditor can sample and
 * verify — who the leaver is (every correlated account and system), the inputs it rests on with
 * their SHA-256, the timeline (terminated per HR; disabled in each system; each residual finding
 * found, changed and removed across the store's snapshots, told apart from findings that only
 * went out of sight because coverage was lost; acceptances) and the final status. Built from the
 * analysis stored in each snapshot, so it shows what was known at each collection time.
 */
import { diffDocs } from '../../queries/diff.js';
import { resolveAccounts, type Finding, type FindingsDoc, type SubjectReport } from '../../queries/residual.js';
import { NotFoundError } from '../model/errors.js';
import { LazyGraph } from '../store/LazyGraph.js';
import { SnapshotDb } from '../store/SnapshotDb.js';
import { Store } from '../store/Store.js';
import { type Acceptance, acceptanceAt, currentAcceptances, readAcceptances } from './acceptances.js';
import { terminationOf } from './leavers.js';
import { readSnapshot, type SnapshotMeta } from './reportInputs.js';
import { TOOL_VERSION } from './toolVersion.js';
import { type RemediationEvidence, type RemediationTimelineEvent, remediationEvidence } from './remediationEvidence.js';
import { sourceOfKey } from '../model/props.js';

export const ATTESTATION_FORMAT = 'revenant-attestation/1';

export type TimelineKind =
  | 'terminated'
  | 'disabled'
  | 'finding-found'
  | 'finding-changed'
  | 'finding-removed'
  | 'finding-out-of-sight'
  | 'accepted'
  | 'acceptance-expired'
  | 'closed'
  | 'reopened'
  | RemediationTimelineEvent['kind'];

export interface TimelineEvent {
  at: string;
  kind: TimelineKind;
  /** `source:id` of the account concerned, when there is one. */
  account?: string;
  finding?: string;
  /** Snapshot in which it was observed (found/removed/closed), when it comes from a snapshot. */
  snapshot?: string;
  text: string;
}

export interface AttestationAccount {
  source: string;
  sourceKey: string | null;
  tenant: string | null;
  id: string;
  name: string;
  departed: boolean;
  departedBecause: string[];
  disabled: boolean | null;
  terminatedAt: string | null;
  departedAt: string | null;
  departedAtFrom: string | null;
  closed: boolean | null;
  closure: string;
}

export interface AttestationFinding {
  id: string;
  rule: string;
  severity: string;
  subject: Finding['subject'];
  via: Finding['via'];
  status: string | null;
  history: { snapshot: string; at: string; status: string }[];
  firstSeen: { snapshot: string; at: string };
  /** How it ended, or null while it is present in the reported snapshot. */
  ended: { snapshot: string; at: string; how: 'resolved' | 'out of sight: coverage lost' } | null;
  acceptance: (Pick<Acceptance, 'reason' | 'until' | 'by' | 'recordedAt'> & { state: 'accepted' | 'expired' }) | null;
  remediation: string[];
  evidence: string[];
}

export interface Attestation {
  format: typeof ATTESTATION_FORMAT;
  query: string;
  person: { id: string; name: string } | null;
  snapshot: string;
  at: string;
  accounts: AttestationAccount[];
  final: { closed: boolean; status: 'closed' | 'not closed'; why: string; open: number; accepted: number };
  timeline: TimelineEvent[];
  findings: AttestationFinding[];
  inputs: { snapshot: string; at: string; createdAt: string; sources: SnapshotMeta['sources']; files: SnapshotMeta['files'] }[];
  /** Closed-loop offboarding: each plan made for these accounts, the journal of its applies and its verifications (before/after). */
  remediation: RemediationEvidence[];
  method: { tool: { name: 'revenant'; version: string }; node: string; generatedAt: string; note: string };
}

const acctKey = (source: string, id: string) => `${source}:${id}`;

/** Resolve a subject name on the reported snapshot to account keys (`source:id`) and the person. */
function resolveSubject(store: Store, snapshotId: string, doc: FindingsDoc, query: string): { accounts: Set<string>; person: { id: string; name: string } | null } {
  const db = new SnapshotDb(store.pathOf(snapshotId));
  let keys: string[];
  try {
    const g = new LazyGraph(db, snapshotId);
    keys = resolveAccounts(g, query).map((k) => {
      const n = g.node(k)!;
      return acctKey(sourceOfKey(n.sourceKey), n.id);
    });
  } finally {
    db.close();
  }
  if (keys.length === 0) throw new NotFoundError(`evidence: no account named ${JSON.stringify(query)} in snapshot ${snapshotId} (name it by id, UPN, login, mail or HR employee id)`);
  const accounts = new Set(keys);
  const subjects = doc.subjects.filter((s) => accounts.has(acctKey(s.source, s.id)));
  const personIds = new Set(subjects.map((s) => s.person).filter((p): p is string => !!p));
  let person: { id: string; name: string } | null = null;
  for (const p of doc.persons) {
    if (!personIds.has(p.id)) continue;
    person ??= { id: p.id, name: p.name };
    for (const a of p.accounts) accounts.add(acctKey(a.source, a.id));
  }
  return { accounts, person };
}

export interface EvidenceOptions {
  subject: string;
  store?: string;
  snapshot?: string;
  now?: Date;
}

export function buildAttestation(o: EvidenceOptions): Attestation {
  const store = new Store(o.store);
  const ids = store.ids();
  const reportedId = store.resolve(o.snapshot);
  const upTo = ids.slice(0, ids.indexOf(reportedId) + 1);
  const reported = readSnapshot(store, reportedId);
  const { accounts, person } = resolveSubject(store, reportedId, reported.doc, o.subject);
  const mine = (s: { source: string; id: string }) => accounts.has(acctKey(s.source, s.id));

  const timeline: TimelineEvent[] = [];
  const inputs: Attestation['inputs'] = [];
  const fstate = new Map<string, AttestationFinding>();
  const terminated = new Set<string>();
  const disabled = new Set<string>();
  let prevDoc: FindingsDoc | null = null;
  let prevClosed: boolean | null = null;
  let everDeparted = false;

  for (const id of upTo) {
    const { meta, doc } = id === reportedId ? reported : readSnapshot(store, id);
    const subs = doc.subjects.filter((s) => s.departed && mine(s));
    const fs = doc.findings.filter((f) => mine(f.subject));
    const relevant = subs.length > 0 || fs.length > 0 || [...fstate.values()].some((f) => f.ended === null);
    if (relevant) inputs.push({ snapshot: id, at: meta.at, createdAt: meta.createdAt, sources: meta.sources, files: meta.files });
    if (subs.length) everDeparted = true;

    for (const s of subs) {
      const t = terminationOf(s);
      if (t.at && !terminated.has(t.at)) {
        terminated.add(t.at);
        timeline.push({ at: t.at, kind: 'terminated', account: acctKey(s.source, s.id), text: `terminated per ${t.from}${t.from === 'HR roster' ? '' : ` of ${s.name}`}` });
      }
      const k = acctKey(s.source, s.id);
      if (s.disabled && !disabled.has(k)) {
        disabled.add(k);
        timeline.push({
          at: s.departedAt ?? meta.at,
          kind: 'disabled',
          account: k,
          snapshot: id,
          text: `${s.source} account ${s.name} disabled (${s.departedBecause.join(', ')}); time from ${s.departedAt ? (s.departedAtFrom ?? 'unknown') : `unknown, first seen disabled in snapshot ${id}`}`,
        });
      }
    }

    // Findings found, changed, removed or out of sight.
    const present = new Set<string>();
    for (const f of fs) {
      present.add(f.id);
      const cur = fstate.get(f.id);
      if (!cur || cur.ended) {
        fstate.set(f.id, {
          id: f.id,
          rule: f.rule,
          severity: f.severity,
          subject: f.subject,
          via: f.via,
          status: f.status,
          history: [...(cur?.history ?? []), { snapshot: id, at: meta.at, status: f.status }],
          firstSeen: cur?.firstSeen ?? { snapshot: id, at: meta.at },
          ended: null,
          acceptance: null,
          remediation: f.remediation,
          evidence: f.evidence,
        });
        timeline.push({ at: meta.at, kind: 'finding-found', account: acctKey(f.subject.source, f.subject.id), finding: f.id, snapshot: id, text: `${cur ? 'found again' : 'found'}: ${f.rule} (${f.status}, ${f.severity}) via ${f.via.kind} ${f.via.name}` });
      } else {
        if (cur.status !== f.status) {
          timeline.push({ at: meta.at, kind: 'finding-changed', finding: f.id, snapshot: id, account: acctKey(f.subject.source, f.subject.id), text: `${f.rule} via ${f.via.name}: ${cur.status} → ${f.status}${f.status === 'live' ? ' (regression)' : ''}` });
        }
        cur.status = f.status;
        cur.severity = f.severity;
        cur.remediation = f.remediation;
        cur.evidence = f.evidence;
        cur.history.push({ snapshot: id, at: meta.at, status: f.status });
      }
    }
    const gone = [...fstate.values()].filter((f) => f.ended === null && !present.has(f.id));
    if (gone.length && prevDoc) {
      const d = diffDocs(prevDoc, doc);
      const lost = new Set(d.coverageLost.flatMap((c) => c.findings.map((f) => f.id)));
      for (const f of gone) {
        const how = lost.has(f.id) ? 'out of sight: coverage lost' : 'resolved';
        f.ended = { snapshot: id, at: meta.at, how };
        f.status = null;
        timeline.push({
          at: meta.at,
          kind: how === 'resolved' ? 'finding-removed' : 'finding-out-of-sight',
          finding: f.id,
          snapshot: id,
          account: acctKey(f.subject.source, f.subject.id),
          text: how === 'resolved' ? `removed: ${f.rule} via ${f.via.kind} ${f.via.name} is no longer present` : `no longer visible (coverage lost, not resolved): ${f.rule} via ${f.via.kind} ${f.via.name}`,
        });
      }
    }

    // Closure of the person (or the single account) in this snapshot.
    if (subs.length) {
      const personRow = person ? doc.persons.find((p) => p.id === person.id) : undefined;
      const closed = personRow ? personRow.closed : subs.every((s) => s.closed === true);
      if (prevClosed !== closed && (closed || prevClosed === true)) {
        timeline.push({ at: meta.at, kind: closed ? 'closed' : 'reopened', snapshot: id, text: closed ? 'closed: no residual finding, every dataset the rules need complete' : 'no longer closed' });
      }
      prevClosed = closed;
    }
    // Keep only what the next diff needs: the whole previous document.
    prevDoc = doc;
  }
  if (!everDeparted) throw new NotFoundError(`evidence: ${JSON.stringify(o.subject)} has no departed account in any snapshot up to ${reportedId}: there is no leaver to attest`);

  // Acceptances, judged at the reported analysis time.
  const at = Date.parse(reported.doc.at);
  const acc = currentAcceptances(readAcceptances(store.dir));
  for (const f of fstate.values()) {
    const a = acceptanceAt(acc, f.id, at);
    if (!a) continue;
    f.acceptance = { state: a.state, reason: a.acceptance.reason, until: a.acceptance.until, by: a.acceptance.by, recordedAt: a.acceptance.recordedAt };
    timeline.push({ at: a.acceptance.recordedAt, kind: 'accepted', finding: f.id, text: `risk accepted by ${a.acceptance.by} until ${a.acceptance.until}: ${a.acceptance.reason}` });
    if (a.state === 'expired') timeline.push({ at: a.acceptance.until, kind: 'acceptance-expired', finding: f.id, text: 'acceptance expired: the finding is open again' });
  }

  // Final status, from the reported snapshot.
  const doc = reported.doc;
  const subjectOf = new Map<string, SubjectReport>(doc.subjects.map((s) => [acctKey(s.source, s.id), s]));
  const personRow = person ? doc.persons.find((p) => p.id === person.id) : undefined;
  const accountRows: AttestationAccount[] = [...accounts].sort().map((k) => {
    const s = subjectOf.get(k);
    const pa = personRow?.accounts.find((a) => acctKey(a.source, a.id) === k);
    const [source, ...rest] = k.split(':');
    return {
      source,
      sourceKey: s?.sourceKey ?? null,
      tenant: s ? (doc.coverage[s.sourceKey]?.tenant ?? null) : null,
      id: rest.join(':'),
      name: s?.name ?? pa?.name ?? rest.join(':'),
      departed: s?.departed ?? pa?.departed ?? false,
      departedBecause: s?.departedBecause ?? [],
      disabled: s ? s.disabled : null,
      terminatedAt: s ? terminationOf(s).at : null,
      departedAt: s?.departedAt ?? null,
      departedAtFrom: s?.departedAtFrom ?? null,
      closed: s?.closed ?? null,
      closure: s?.closure ?? 'not departed: an active account of the same person',
    };
  });
  const present = [...fstate.values()].filter((f) => f.ended === null);
  const acceptedN = present.filter((f) => f.acceptance?.state === 'accepted').length;
  const departedRows = accountRows.filter((a) => a.departed);
  const closed = personRow ? personRow.closed : departedRows.length > 0 && departedRows.every((a) => a.closed === true);
  const why = closed
    ? 'closed: no residual finding on any departed account, no other account of the person active, and every dataset the rules need complete'
    : [
        ...departedRows.filter((a) => a.closed !== true).map((a) => `${a.source} ${a.name}: ${a.closure}`),
        ...(departedRows.every((a) => a.closed === true) ? ['another account of this person is still active'] : []),
        ...(acceptedN ? [`${acceptedN} of the open findings accepted as a risk`] : []),
      ].join('; ');

  // Remediation: plans, every call journaled, verifications against the live tenants.
  const rem = remediationEvidence(store.dir, o.subject, accounts);
  timeline.push(...rem.timeline);

  timeline.sort((a, b) => a.at.localeCompare(b.at) || ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
  return {
    format: ATTESTATION_FORMAT,
    query: o.subject,
    person,
    snapshot: reportedId,
    at: doc.at,
    accounts: accountRows,
    final: { closed, status: closed ? 'closed' : 'not closed', why, open: present.length - acceptedN, accepted: acceptedN },
    timeline,
    findings: [...fstate.values()].sort((a, b) => a.firstSeen.at.localeCompare(b.firstSeen.at) || a.rule.localeCompare(b.rule) || a.id.localeCompare(b.id)),
    inputs,
    remediation: rem.records,
    method: {
      tool: { name: 'revenant', version: TOOL_VERSION },
      node: process.version,
      generatedAt: (o.now ?? new Date()).toISOString(),
      note:
        'Each snapshot stores the residual-access analysis of every departed subject at its collection time. A finding is "removed" when it is absent from a later snapshot whose data for its rule is complete; when that data became partial or missing it is "out of sight", never removed. Found/removed times are the collection times of the snapshots that first showed the change.',
    },
  };
}

const ORDER: TimelineKind[] = [
  'terminated',
  'disabled',
  'finding-found',
  'finding-changed',
  'accepted',
  'remediation-planned',
  'remediation-call',
  'remediation-skipped',
  'verified',
  'finding-removed',
  'finding-out-of-sight',
  'acceptance-expired',
  'reopened',
  'closed',
];
