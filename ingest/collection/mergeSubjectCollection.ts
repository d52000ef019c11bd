/**
 * Folds a per-subject collection (`scope: {kind: "subject"}`, from collectEntraSubject or
 * collectOktaSubject) into the tenant's full source folder, giving a new full source folder that
 * can be loaded as a snapshot. A subject collection is complete *for its accounts*: every line it
 * holds replaces the line with the same identity, and every base line that is about one of its
 * accounts (a membership, an assignment, an ownership, a token …) and was not read again is
 * dropped — it no longer exists. Objects merely referenced (groups, applications, service
 * principals) are updated, never removed. Where the subject collection could not read a dataset,
 * the merged dataset is marked `partial` with the reason, so nothing reads stale data as
 * "no access". The merged folder records which subjects were refreshed, and when.
 */
import { createReadStream, createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { InputError } from '../../src/model/errors.js';

type Raw = Record<string, unknown>;

interface DatasetSpec {
  /** The identity of a line (lines with the same key are the same object). */
  key(line: Raw): string | null;
  /**
   * Who the line is about, for removal: a base line whose owner is covered by the subject
   * collection and that was not read again is gone. `accounts`: the covered owners are the
   * subject's accounts; `parents`: the parents that appear in the subject collection's lines;
   * `both`: either.
   */
  owner?: (line: Raw) => string | null;
  covers?: 'accounts' | 'parents' | 'both' | 'accounts+lines';
  /** For `both`: the parent of a line (owner is the account). */
  parent?: (line: Raw) => string | null;
}

const s = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const sub = (o: unknown, k: string): Raw => ((o && typeof o === 'object' ? (o as Raw)[k] : undefined) ?? {}) as Raw;
const byId = (l: Raw) => s(l.id);
const pair = (a: string | null, b: string | null) => (a && b ? `${a}|${b}` : null);

const ENTRA: Record<string, DatasetSpec> = {
  users: { key: byId, owner: byId, covers: 'accounts' },
  deletedUsers: { key: byId, owner: byId, covers: 'accounts' },
  groups: { key: byId },
  groupMembers: { key: (l) => pair(s(l.groupId), s(sub(l, 'member').id)), owner: (l) => s(sub(l, 'member').id), covers: 'accounts' },
  groupOwners: { key: (l) => pair(s(l.groupId), s(sub(l, 'owner').id)), owner: (l) => s(sub(l, 'owner').id), parent: (l) => s(l.groupId), covers: 'both' },
  applications: { key: byId },
  applicationOwners: {
    key: (l) => pair(s(l.applicationId), s(sub(l, 'owner').id)),
    owner: (l) => s(sub(l, 'owner').id),
    parent: (l) => s(l.applicationId),
    covers: 'both',
  },
  federatedIdentityCredentials: { key: (l) => pair(s(l.applicationId), s(sub(l, 'credential').id)), owner: (l) => s(l.applicationId), covers: 'parents' },
  servicePrincipals: { key: byId },
  servicePrincipalOwners: {
    key: (l) => pair(s(l.servicePrincipalId), s(sub(l, 'owner').id)),
    owner: (l) => s(sub(l, 'owner').id),
    parent: (l) => s(l.servicePrincipalId),
    covers: 'both',
  },
  appRoleAssignments: { key: byId, owner: (l) => s(l.principalId), covers: 'accounts+lines' },
  oauth2PermissionGrants: { key: byId, owner: (l) => s(l.principalId), covers: 'accounts+lines' },
  roleDefinitions: { key: byId },
  roleAssignments: { key: byId, owner: (l) => s(l.principalId), covers: 'accounts+lines' },
  roleEligibilitySchedules: { key: byId, owner: (l) => s(l.principalId), covers: 'accounts+lines' },
  directoryAudits: { key: byId },
};

const OKTA: Record<string, DatasetSpec> = {
  users: { key: byId, owner: byId, covers: 'accounts' },
  groups: { key: byId },
  groupMembers: { key: (l) => pair(s(l.groupId), s(sub(l, 'user').id)), owner: (l) => s(sub(l, 'user').id), covers: 'accounts' },
  apps: { key: byId },
  appUsers: { key: (l) => pair(s(l.appId), s(sub(l, 'appUser').id)), owner: (l) => s(sub(l, 'appUser').id), covers: 'accounts' },
  appGroups: { key: (l) => pair(s(l.appId), s(sub(l, 'appGroup').id)) },
  appFeatures: { key: (l) => pair(s(l.appId), s(sub(l, 'feature').name)), owner: (l) => s(l.appId), covers: 'parents' },
  appGrants: { key: byId, owner: (l) => s(l.clientId), covers: 'parents' },
  appSecrets: { key: (l) => pair(s(l.appId), s(sub(l, 'secret').id)), owner: (l) => s(l.appId), covers: 'parents' },
  appJwks: { key: (l) => pair(s(l.appId), s(sub(l, 'jwk').id)), owner: (l) => s(l.appId), covers: 'parents' },
  apiTokens: { key: byId, owner: (l) => s(l.userId), covers: 'accounts' },
  userGrants: { key: byId, owner: (l) => s(l.userId), covers: 'accounts' },
  refreshTokens: { key: byId, owner: (l) => s(l.userId), covers: 'accounts' },
  userRoles: { key: (l) => pair(s(l.userId), s(sub(l, 'role').id)), owner: (l) => s(l.userId), covers: 'accounts' },
  groupRoles: { key: (l) => pair(s(l.groupId), s(sub(l, 'role').id)), owner: (l) => s(l.groupId), covers: 'parents' },
  clientRoles: { key: (l) => pair(s(l.clientId), s(sub(l, 'role').id)), owner: (l) => s(l.clientId), covers: 'parents' },
  idps: { key: byId },
  logs: { key: (l) => s(l.uuid) },
};

const SPECS: Record<string, Record<string, DatasetSpec>> = { entra: ENTRA, okta: OKTA };

interface Ledger {
  status: 'complete' | 'partial' | 'missing';
  count?: number;
  reason?: string;
  /** Per-parent datasets of a subject collection: the parents whose list was read in full (an empty list included). */
  parents?: string[];
  [k: string]: unknown;
}

interface ManifestLike {
  format: string;
  source: string;
  tenant: string;
  collectedAt: string;
  datasets: Record<string, Ledger>;
  scope?: { kind?: string; subject?: string; accounts?: unknown[] };
  refreshed?: { subject: string; accounts: string[]; at: string }[];
  [k: string]: unknown;
}

function readManifest(dir: string): ManifestLike {
  const file = join(dir, 'manifest.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ManifestLike;
  } catch (e) {
    throw new InputError(`${file}: cannot read the manifest (${(e as Error).message})`, { file });
  }
}

async function* lines(file: string): AsyncGenerator<{ text: string; value: Raw }> {
  let stream;
  try {
    stream = createReadStream(file, { encoding: 'utf8' });
    await once(stream, 'open');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  for await (const text of rl) {
    if (!text.trim()) continue;
    yield { text, value: JSON.parse(text) as Raw };
  }
}

/** Accounts a subject collection is complete for (its manifest's `scope.accounts`). */
function subjectAccounts(m: ManifestLike): string[] {
  return (m.scope?.accounts ?? [])
    .map((a) => (typeof a === 'string' ? a : s((a as Raw)?.id)))
    .filter((a): a is string => !!a);
}

export interface MergeResult {
  dir: string;
  accounts: string[];
  /** Datasets marked partial because the subject collection could not read them. */
  degraded: string[];
}

/**
 * Merge the subject collection `subjectDir` (a source folder) into the base source folder
 * `baseDir`, writing a new source folder `outDir`.
 */
export async function mergeSubjectCollection(baseDir: string, subjectDir: string, outDir: string): Promise<MergeResult> {
  const base = readManifest(baseDir);
  const subj = readManifest(subjectDir);
  if (subj.scope?.kind !== 'subject') throw new InputError(`${subjectDir}/manifest.json: not a subject collection (scope.kind must be "subject")`);
  if (base.source !== subj.source || base.tenant !== subj.tenant) {
    throw new InputError(`${subjectDir}/manifest.json: subject collection of ${subj.source} ${subj.tenant} cannot be merged into ${base.source} ${base.tenant}`);
  }
  const specs = SPECS[base.source];
  if (!specs) throw new InputError(`merge: source ${base.source} has no per-subject refresh`);
  const accounts = new Set(subjectAccounts(subj));
  mkdirSync(outDir, { recursive: true });
  const out: ManifestLike = { ...base, collectedAt: subj.collectedAt, datasets: { ...base.datasets } };
  delete out.scope;
  const degraded: string[] = [];

  for (const [dataset, spec] of Object.entries(specs)) {
    const baseLedger: Ledger = base.datasets[dataset] ?? { status: 'missing', reason: 'not in the manifest' };
    const subLedger: Ledger = subj.datasets[dataset] ?? { status: 'missing', reason: 'not in the subject collection' };
    const target = join(outDir, `${dataset}.jsonl`);
    const read = subLedger.status !== 'missing';
    const fresh: { text: string; value: Raw }[] = [];
    if (read) for await (const l of lines(join(subjectDir, `${dataset}.jsonl`))) fresh.push(l);
    const freshKeys = new Set(fresh.map((l) => spec.key(l.value)).filter((k): k is string => !!k));
    const covered = new Set<string>();
    if (read && (spec.covers === 'accounts' || spec.covers === 'both' || spec.covers === 'accounts+lines')) for (const a of accounts) covered.add(a);
    if (read && (spec.covers === 'parents' || spec.covers === 'accounts+lines')) {
      for (const l of fresh) {
        const o = spec.owner?.(l.value);
        if (o) covered.add(o);
      }
    }
    const parents = new Set<string>();
    if (read && spec.covers === 'both') for (const l of fresh) {
      const p = spec.parent?.(l.value);
      if (p) parents.add(p);
    }
    // Parents the subject collection read in full hold exactly what it wrote: a child no longer there is gone.
    if (read && Array.isArray(subLedger.parents)) {
      for (const p of subLedger.parents) {
        if (typeof p !== 'string') continue;
        if (spec.covers === 'both') parents.add(p);
        else if (spec.covers === 'parents' || spec.covers === 'accounts+lines') covered.add(p);
      }
    }

    const w = createWriteStream(target, { encoding: 'utf8' });
    let count = 0;
    const write = async (text: string) => {
      count++;
      if (!w.write(`${text}\n`)) await once(w, 'drain');
    };
    if (baseLedger.status !== 'missing') {
      for await (const l of lines(join(baseDir, `${dataset}.jsonl`))) {
        const k = spec.key(l.value);
        if (k && freshKeys.has(k)) continue;
        const o = spec.owner?.(l.value);
        if (o && covered.has(o)) continue;
        const p = spec.parent?.(l.value);
        if (p && parents.has(p)) continue;
        await write(l.text);
      }
    }
    for (const l of fresh) await write(l.text);
    w.end();
    await once(w, 'finish');

    const ledger: Ledger = { status: baseLedger.status, count };
    if (baseLedger.reason) ledger.reason = baseLedger.reason;
    const deliberate = !read && typeof subLedger.reason === 'string' && subLedger.reason.startsWith('not read in a subject collection');
    if (baseLedger.status === 'missing' && read) {
      // The subject collection read what the tenant sweep did not: still missing for the tenant.
      ledger.status = 'partial';
      ledger.reason = `only the refreshed subjects were read (${baseLedger.reason ?? 'missing in the tenant collection'})`;
    } else if ((subLedger.status !== 'complete' && !deliberate) || (baseLedger.status === 'complete' && !read && !deliberate)) {
      if (baseLedger.status !== 'missing') {
        ledger.status = 'partial';
        ledger.reason = `refresh of ${subj.scope?.subject ?? 'a subject'} could not read ${dataset}: ${subLedger.reason ?? subLedger.status}`;
        degraded.push(dataset);
      }
    }
    out.datasets[dataset] = ledger;
  }
  const history = [...(base.refreshed ?? []), { subject: String(subj.scope?.subject ?? ''), accounts: [...accounts], at: subj.collectedAt }];
  out.refreshed = history.slice(-100);
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(out, null, 2)}\n`);
  return { dir: outDir, accounts: [...accounts], degraded };
}
