/**
 * What a per-subject collection (`scope: {kind: "subject"}`) stands for, in one place for every
 * consumer: the folder merge of remediation's `verify` (mergeSubjectCollection.ts) and the delta
 * snapshot of an event refresh (src/store/delta/writeDelta.ts). A subject collection is complete
 * for its accounts: each line it holds replaces the line with the same identity, and a current
 * line about one of its accounts — or, per dataset (`RecordSpec.covers`), under a parent it read,
 * or owned by the owner of a line it read — that it did not read again is gone. Objects merely
 * referenced are updated, never removed; a dataset it read only in part removes nothing but the
 * parents its ledger lists as read in full. Its ledger: a dataset it should have read and could not
 * makes the merged dataset partial (the subject's part may be stale), never complete.
 */
import { canonicalId } from '../../src/model/ids.js';
import type { RecordSpec } from '../../src/model/source.js';
import type { DatasetLedger } from './manifest.js';

type Raw = Record<string, unknown>;

interface ScopeLike {
  kind?: string;
  subject?: unknown;
  accounts?: unknown[];
}

/** Whether a manifest's scope is a per-subject collection's. */
export function isSubjectScope(scope: unknown): boolean {
  return (scope as ScopeLike | undefined)?.kind === 'subject';
}

/** The accounts a subject collection is complete for (its `scope.accounts`, ids in canonical form). */
export function subjectAccounts(scope: unknown): string[] {
  return ((scope as ScopeLike | undefined)?.accounts ?? [])
    .map((a) => (typeof a === 'string' ? a : (a as Raw | null)?.id))
    .filter((a): a is string => typeof a === 'string' && a.length > 0)
    .map(canonicalId);
}

/** The subject a subject collection was asked for (as named), or ''. */
export function subjectName(scope: unknown): string {
  const s = (scope as ScopeLike | undefined)?.subject;
  return typeof s === 'string' ? s : '';
}

/**
 * The cover of one dataset of a subject collection: fed every line it read (`read`), it tells
 * which owners and parents it is complete for. A current line is gone when it is about one of
 * those and its key was not read again.
 */
export class SubjectCover {
  /** Owners (accounts, or the owners of lines it read) whose lines it holds in full. */
  readonly owners = new Set<string>();
  /** Parents whose per-parent list it holds in full. */
  readonly parents = new Set<string>();
  /** Whether the subject collection read this dataset in full (its ledger is complete). */
  private readonly whole: boolean;

  constructor(
    private readonly spec: RecordSpec,
    accounts: readonly string[],
    ledger: DatasetLedger | undefined,
  ) {
    const c = spec.covers;
    // A dataset the subject collection read only in part (a scope or page failed) holds only what it
    // could read: lines it did not read again are kept as they were, never dropped as gone.
    this.whole = ledger?.status === 'complete';
    if (this.whole && (c === 'accounts' || c === 'both' || c === 'accounts+lines')) for (const a of accounts) this.owners.add(a);
    // Parents the subject collection read in full hold exactly what it wrote: a child no longer there is gone.
    const listed = (ledger as { parents?: unknown } | undefined)?.parents;
    if (Array.isArray(listed)) {
      for (const p of listed) {
        if (typeof p !== 'string') continue;
        if (c === 'both') this.parents.add(canonicalId(p));
        else if (c === 'parents' || c === 'accounts+lines') this.owners.add(canonicalId(p));
      }
    }
  }

  /** A line the subject collection read. */
  read(line: Raw): void {
    if (!this.whole) return;
    const c = this.spec.covers;
    if (c === 'parents' || c === 'accounts+lines') {
      const o = this.spec.owner?.(line);
      if (o) this.owners.add(o);
    }
    if (c === 'both') {
      const p = this.spec.parent?.(line);
      if (p) this.parents.add(p);
    }
  }

  /** Whether a current line not read again is gone (it is about an owner or under a parent this cover holds). */
  drops(line: Raw): boolean {
    const o = this.spec.owner?.(line);
    if (o && this.owners.has(o)) return true;
    if (this.spec.covers !== 'both') return false;
    const p = this.spec.parent?.(line);
    return !!p && this.parents.has(p);
  }
}

/**
 * A dataset's ledger after a per-subject refresh: the tenant's (`base`), except that a dataset
 * the refresh should have read and could not is partial, and a dataset the tenant collection
 * lacks stays incomplete even if the subject's part was read. `degraded`: the refresh made it
 * partial.
 */
export function subjectLedger(
  dataset: string,
  base: DatasetLedger | undefined,
  subj: DatasetLedger | undefined,
  subject: string,
): { ledger: DatasetLedger; degraded: boolean } {
  const b: DatasetLedger = base ?? { status: 'missing', reason: 'not in the manifest' };
  const d: DatasetLedger = subj ?? { status: 'missing', reason: 'not in the subject collection' };
  const read = d.status !== 'missing';
  const deliberate = !read && typeof d.reason === 'string' && d.reason.startsWith('not read in a subject collection');
  const ledger: DatasetLedger = { ...b };
  if (b.status === 'missing' && read) {
    ledger.status = 'partial';
    ledger.reason = `only the refreshed subjects were read (${b.reason ?? 'missing in the tenant collection'})`;
    return { ledger, degraded: false };
  }
  if (b.status !== 'missing' && ((d.status !== 'complete' && !deliberate) || (b.status === 'complete' && !read && !deliberate))) {
    ledger.status = 'partial';
    ledger.reason = `refresh of ${subject || 'a subject'} could not read ${dataset}: ${d.reason ?? d.status}`;
    return { ledger, degraded: true };
  }
  return { ledger, degraded: false };
}

/** The history of refreshes a merged manifest keeps (the last 100). */
export function refreshedHistory(base: unknown, entry: Record<string, unknown>): unknown[] {
  const prev = (base as { refreshed?: unknown[] } | undefined)?.refreshed ?? [];
  return [...prev, entry].slice(-100);
}
