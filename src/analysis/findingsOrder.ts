/**
 * The order of a findings document: severity, status, rule (in the order of the rules the
 * analysis ran — the catalogue's, then those the sources bring), subject name, via id. It sits
 * below queries/ so that the store can merge a delta's findings into its base's
 * (src/store/storedFindings.ts `patchDoc`) in the order the analysis wrote them, with the rule
 * order that analysis stored; queries/residual.ts sorts with the rules it runs.
 */
import { SEVERITY_RANK, STATUS_RANK, type Severity, type Status } from './severity.js';

/** What the order reads of a finding. */
export interface OrderedFinding {
  severity: Severity;
  status: Status;
  rule: string;
  subject: { name: string };
  via: { id: string };
}

/** `a.localeCompare(b)` (the default locale's collation), with one collator for every comparison. */
const byName = new Intl.Collator().compare;

/** The comparator of a findings document whose rules ran in this order (a rule not in it sorts after every listed one). */
export function findingsOrder(rules: readonly string[]): (x: OrderedFinding, y: OrderedFinding) => number {
  const order = new Map(rules.map((r, i) => [r, i]));
  const rank = (r: string) => order.get(r) ?? rules.length;
  return (x, y) =>
    SEVERITY_RANK[x.severity] - SEVERITY_RANK[y.severity] ||
    STATUS_RANK[x.status] - STATUS_RANK[y.status] ||
    rank(x.rule) - rank(y.rule) ||
    byName(x.subject.name, y.subject.name) ||
    byName(x.via.id, y.via.id);
}

/**
 * The stored document's order: `findingsOrder`, ties broken by the subject's account key
 * (`keyOf`), as a full load sorts. Used where a document is patched rather than sorted whole.
 */
export function findingsOrderByAccount<F extends OrderedFinding>(rules: readonly string[], keyOf: (f: F) => string): (x: F, y: F) => number {
  const compareFindings = findingsOrder(rules);
  return (x, y) => {
    const c = compareFindings(x, y);
    if (c !== 0) return c;
    const a = keyOf(x);
    const b = keyOf(y);
    return a < b ? -1 : a > b ? 1 : 0;
  };
}
