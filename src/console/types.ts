/** The /v1 response shapes the console reads (see /openapi.json for the full documents). */
export interface Ref {
  source: string;
  id: string;
  name: string;
  kind?: string;
}

export interface PathStep {
  kind?: string;
  id?: string;
  name?: string;
  source?: string;
  edge?: string;
  reverse?: boolean;
  key?: string;
  strength?: string;
  value?: string;
}

export interface Finding {
  id: string;
  rule: string;
  status: 'live' | 'window' | 'unverified' | 'dormant';
  severity: 'critical' | 'high' | 'medium' | 'low';
  subject: Ref;
  via: Ref & { kind: string };
  validUntil: string | null;
  path: PathStep[];
  reaches: { tier0: boolean; privileges: string[] };
  evidence: string[];
  remediation: string[];
  firstSeen?: { snapshot: string; at: string };
  lastSeen?: { snapshot: string; at: string };
}

export interface Coverage {
  source: string;
  tenant: string;
  complete: string[];
  partial: string[];
  missing: string[];
  reasons: Record<string, string>;
  uncoveredRules: string[];
}

export interface SubjectReport {
  source: string;
  sourceKey: string;
  id: string;
  name: string;
  departed: boolean;
  departedBecause: string[];
  departedAt: string | null;
  departedAtFrom: string | null;
  disabled: boolean;
  assumed: boolean;
  closed: boolean | null;
  closure: string;
  person: string | null;
  findings: number;
}

export interface TimeToDisable {
  state: string;
  ms: number | null;
  withinSla: boolean | null;
  text: string;
}

export interface BoardAccount {
  source: string;
  sourceKey: string;
  tenant: string;
  id: string;
  name: string;
  departed: boolean;
  departedBecause: string[];
  disabled: boolean;
  terminatedAt: string | null;
  terminatedFrom: string | null;
  departedAt: string | null;
  departedAtFrom: string | null;
  timeToDisable: TimeToDisable;
  findings: Record<string, number>;
  closed: boolean | null;
  closure: string;
}

export interface BoardRow {
  person: string;
  name: string;
  closed: boolean;
  why: string;
  open: number;
  live: number;
  worstSeverity: string | null;
  statuses: string[];
  severities: string[];
  rules: string[];
  sources: string[];
  departedAt: string | null;
  timeToDisableMs: number | null;
  withinSla: boolean | null;
  accounts: BoardAccount[];
}

export interface Board {
  snapshot: string;
  at: string;
  sla: string;
  total: number;
  offset: number;
  summary: { persons: number; closed: number; open: number; live: number };
  facets: { sources: string[]; rules: string[]; statuses: string[]; severities: string[] };
  coverage: Record<string, Coverage>;
  items: BoardRow[];
}

export interface NodeSummary {
  key: string;
  kind: string;
  source: string;
  id: string;
  name: string;
  tier0?: boolean;
  stub?: boolean;
  subject?: boolean;
  matched?: string;
}

export interface Member extends NodeSummary {
  account: boolean;
  props: Record<string, unknown>;
  evidence: string | null;
  report?: SubjectReport;
  timeToDisable?: TimeToDisable;
}

export interface PersonDoc {
  snapshot: string;
  at: string;
  query: string;
  sla: string;
  person: NodeSummary | null;
  departed: boolean;
  closed: boolean | null;
  members: Member[];
  links: { from: string; to: string; key: string; value: string; strength: string }[];
  coverage: Record<string, Coverage>;
  findings: Finding[];
}

export interface FindingsDoc {
  at: string;
  snapshot: string | null;
  coverage: Record<string, Coverage>;
  subjects: SubjectReport[];
  findings: Finding[];
}

export interface Session {
  via: 'link' | 'key' | 'bearer';
  name: string;
  scopes: string[];
  expiresAt: string | null;
}

export interface BlastRadius {
  principal: { source: string; kind: string; id: string; name: string };
  maxDepth: number;
  truncated: boolean;
  tier0: boolean;
  wholeTenant: { tenant: string; via: string; path: PathStep[] }[];
  privileges: { label: string; tier0: boolean; depth: number; path: PathStep[] }[];
  reached: Record<string, number>;
  objects: { kind: string; id: string; name: string; depth: number }[];
}

export interface PathsDoc {
  from: { kind: string; id: string; name: string };
  to: string;
  truncated: boolean;
  paths: { length: number; steps: PathStep[] }[];
}

export interface Neighbourhood {
  node: NodeSummary & { props: Record<string, unknown>; evidence: string | null };
  groups: { edge: string; dir: 'out' | 'in'; count: number; offset: number; items: NodeSummary[] }[];
}

export interface SnapshotInfo {
  id: string;
  createdAt: string;
  collectedAt: string;
  nodes?: number;
  edges?: number;
  sources?: { source: string; tenant: string; collectedAt: string }[];
}

export interface Diff {
  from: string | null;
  to: string;
  new: Finding[];
  resolved: Finding[];
  persisting: Finding[];
  changed: { before: Finding; after: Finding; regression: boolean }[];
  coverageLost: { sourceKey: string; datasets: string[]; rules: string[]; findings: Finding[] }[];
  counts?: { new: number; resolved: number; persisting: number; changed: number; regressed: number; coverageLost: number };
}

/** GET /v1/subjects/{s}/remediation-plan (the fields the console shows; docs/remediation.md). */
export interface RemediationPlan {
  id: string;
  subject: string;
  snapshot: { id: string | null; collectedAt: string };
  options: { include: string[]; force: boolean; maxAge: string };
  summary: { actions: number; planned: number; excluded: number; manual: number; accepted: number; calls: number };
  actions: {
    n: number;
    id: string;
    state: 'planned' | 'excluded' | 'manual' | 'accepted';
    reason?: string;
    include?: string;
    title: string;
    rule: string;
    consequence: boolean;
    status: string;
    severity: string;
    steps: { kind: string; source: string; call: { method: string; path: string } }[];
    manual: string[];
    breaks: string;
    undo: string;
    reversible: boolean;
    permissions: string[];
  }[];
}

/** GET /v1/remediation-jobs/{id} */
export interface RemediationJob {
  id: string;
  plan: string;
  subject: string;
  state: 'running' | 'finished' | 'failed' | 'interrupted';
  calls: number;
  error: string | null;
  summary: Record<string, number>;
  actions: { n: number; id: string; title: string; outcome: string; steps?: string[]; reason?: string }[];
}
