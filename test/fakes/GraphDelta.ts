/**
 * Delta queries of the Graph fake, as Microsoft Graph documents them (delta-query-overview,
 * user-delta, group-delta): `GET /{resource}/delta` for users, groups, applications,
 * servicePrincipals and oauth2PermissionGrants. A round starts without a token (every object that
 * exists now), from `$deltatoken=latest` (no objects, just a deltaLink for "now"), or from the
 * `$deltatoken` of an earlier round's `@odata.deltaLink` (what changed since). Pages carry
 * `@odata.nextLink` (with `$skiptoken`) until the last one, which carries `@odata.deltaLink`
 * (with `$deltatoken`); both are absolute and encode the `$select` of the first request, which
 * need not be repeated. Changed objects come whole (projected); removed ones as `{"id",
 * "@removed": {"reason": "changed" | "deleted"}}`; a group's membership changes as
 * `members@delta` (when `members` is selected), members that left carrying `@removed`, and a
 * group whose only change is its membership comes as `{"id", "members@delta"}` alone. A token the
 * service no longer honours — older than `maxTokenAgeMs`, or issued before `resync()` — gets
 * `410 Gone` with a `resyncRequired` error and a `Location` header naming a fresh round, as Graph
 * answers when a client must start a full synchronization again.
 *
 * Tests change the tenant through `touch`, `remove`, `addMember` and `removeMember` (the data
 * arrays are changed by the caller; these record the version at which it happened).
 */
import type { FakeRequest, FakeResponse } from './FakeServer.js';

type Raw = Record<string, unknown>;

export const DELTA_RESOURCES = ['users', 'groups', 'applications', 'servicePrincipals', 'oauth2PermissionGrants'] as const;
export type DeltaResource = (typeof DELTA_RESOURCES)[number];

interface Token {
  /** Resource the round is about. */
  r: DeltaResource;
  /** Changes after this version (-1: the initial round, every object). */
  since: number;
  /** Up to this version (the round's upper bound, fixed when it starts). */
  upto: number;
  /** Offset in the round's entries (skip tokens). */
  o?: number;
  /** `$select` of the first request. */
  sel?: string;
  /** Service epoch (a `resync()` invalidates older tokens). */
  e: number;
  /** Issue time (ms), for the maximum token age. */
  t: number;
}

const enc = (t: Token) => Buffer.from(JSON.stringify(t)).toString('base64url');
const dec = (s: string): Token | null => {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Token;
    return typeof t.since === 'number' && typeof t.upto === 'number' && DELTA_RESOURCES.includes(t.r) ? t : null;
  } catch {
    return null;
  }
};

interface MemberChange {
  v: number;
  groupId: string;
  ref: Raw;
  added: boolean;
}

export class GraphDelta {
  /** Version of the tenant: bumped by every recorded change. */
  version = 0;
  /** Objects per page of a delta round. */
  pageSize = 200;
  /** Tokens older than this are refused (Graph: seven days for directory objects). */
  maxTokenAgeMs = 7 * 86_400_000;
  /** Rounds served, per resource and kind (initial / latest / incremental), for tests and benchmarks. */
  readonly served: { resource: string; kind: 'initial' | 'latest' | 'incremental' | 'page' | 'gone' }[] = [];
  private epoch = 1;
  private readonly changed = new Map<string, number>();
  /** Removed objects by resource and lower-cased id; `id` as the object had it (grant ids are case-sensitive). */
  private readonly removed = new Map<string, { v: number; reason: string; id: string }>();
  private readonly members: MemberChange[] = [];

  /** An object was created or changed (after the caller changed the data). */
  touch(resource: DeltaResource, id: string): void {
    const k = `${resource}|${String(id).toLowerCase()}`;
    this.changed.set(k, ++this.version);
    this.removed.delete(k);
  }

  /** An object was removed (`changed`: soft-deleted, restorable; `deleted`: gone). */
  remove(resource: DeltaResource, id: string, reason: 'changed' | 'deleted' = 'deleted'): void {
    const k = `${resource}|${String(id).toLowerCase()}`;
    this.changed.delete(k);
    this.removed.set(k, { v: ++this.version, reason, id: String(id) });
  }

  addMember(groupId: string, ref: Raw): void {
    this.members.push({ v: ++this.version, groupId, ref: { '@odata.type': ref['@odata.type'], id: ref.id }, added: true });
  }

  removeMember(groupId: string, ref: Raw): void {
    this.members.push({ v: ++this.version, groupId, ref: { '@odata.type': ref['@odata.type'], id: ref.id }, added: false });
  }

  /** Every token issued so far is refused with 410 (a synchronization reset). */
  resync(): void {
    this.epoch++;
  }

  private versionOf(resource: DeltaResource, id: unknown): number {
    return this.changed.get(`${resource}|${String(id).toLowerCase()}`) ?? 0;
  }

  /**
   * Answer `GET /v1.0/{resource}/delta`. `objects` is the resource's current list; `membersOf`
   * the current member references of a group; `project` applies a `$select`.
   */
  handle(
    r: FakeRequest,
    base: string,
    resource: DeltaResource,
    objects: readonly Raw[],
    membersOf: (groupId: string) => readonly Raw[],
    project: (o: Raw, select: string | undefined) => Raw,
  ): FakeResponse {
    const url = `${base}/v1.0/${resource}/delta`;
    const q = r.query;
    const deltaToken = q.get('$deltatoken') ?? q.get('$deltaToken');
    const skipToken = q.get('$skiptoken') ?? q.get('$skipToken');
    const now = Date.now();
    let tok: Token;
    if (deltaToken === 'latest') {
      this.served.push({ resource, kind: 'latest' });
      const t: Token = { r: resource, since: this.version, upto: this.version, sel: q.get('$select') ?? undefined, e: this.epoch, t: now };
      return { status: 200, body: { '@odata.context': `${base}/v1.0/$metadata#${resource}`, value: [], '@odata.deltaLink': `${url}?$deltatoken=${enc(t)}` } };
    }
    if (deltaToken || skipToken) {
      const t = dec(String(deltaToken ?? skipToken));
      if (!t || t.r !== resource) return badToken(url);
      if (t.e !== this.epoch || now - t.t > this.maxTokenAgeMs) {
        this.served.push({ resource, kind: 'gone' });
        return gone(url, t.sel);
      }
      if (deltaToken) {
        // A new round of changes since the last one.
        tok = { r: resource, since: t.upto, upto: this.version, sel: t.sel, e: this.epoch, t: now, o: 0 };
        this.served.push({ resource, kind: 'incremental' });
      } else {
        tok = t;
        this.served.push({ resource, kind: 'page' });
      }
    } else {
      tok = { r: resource, since: -1, upto: this.version, sel: q.get('$select') ?? undefined, e: this.epoch, t: now, o: 0 };
      this.served.push({ resource, kind: 'initial' });
    }
    const entries = this.entries(tok, objects, membersOf, project);
    const o = tok.o ?? 0;
    const page = entries.slice(o, o + this.pageSize);
    const body: Raw = { '@odata.context': `${base}/v1.0/$metadata#${resource}`, value: page };
    if (o + this.pageSize < entries.length) body['@odata.nextLink'] = `${url}?$skiptoken=${enc({ ...tok, o: o + this.pageSize })}`;
    else body['@odata.deltaLink'] = `${url}?$deltatoken=${enc({ ...tok, o: undefined, t: now })}`;
    return { status: 200, body };
  }

  private entries(tok: Token, objects: readonly Raw[], membersOf: (g: string) => readonly Raw[], project: (o: Raw, s: string | undefined) => Raw): Raw[] {
    const { r: resource, since, upto } = tok;
    const fields = (tok.sel ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const withMembers = resource === 'groups' && fields.includes('members');
    const select = fields.filter((f) => f !== 'members').join(',') || undefined;
    const inRound = (v: number) => v > since && v <= upto;
    const out: Raw[] = [];
    const memberDelta = new Map<string, Map<string, Raw>>();
    if (withMembers && since >= 0) {
      for (const c of this.members) {
        if (!inRound(c.v)) continue;
        const m = memberDelta.get(c.groupId) ?? memberDelta.set(c.groupId, new Map()).get(c.groupId)!;
        m.set(String(c.ref.id), c.added ? { ...c.ref } : { ...c.ref, '@removed': { reason: 'deleted' } });
      }
    }
    for (const o of objects) {
      const v = this.versionOf(resource, o.id);
      const changedNow = since < 0 ? v <= upto : inRound(v);
      const md = withMembers ? (since < 0 ? (v <= upto ? membersOf(String(o.id)).map((m) => ({ '@odata.type': m['@odata.type'], id: m.id })) : undefined) : [...(memberDelta.get(String(o.id))?.values() ?? [])]) : undefined;
      if (changedNow) {
        const e = project(o, select);
        if (withMembers) e['members@delta'] = md ?? [];
        out.push(e);
      } else if (md && md.length) {
        out.push({ id: o.id, 'members@delta': md });
      }
    }
    if (since >= 0) {
      for (const [k, rm] of this.removed) {
        if (k.slice(0, k.indexOf('|')) !== resource || !inRound(rm.v)) continue;
        out.push({ id: rm.id, '@removed': { reason: rm.reason } });
      }
    }
    return out;
  }
}

function gone(url: string, sel: string | undefined): FakeResponse {
  return {
    status: 410,
    headers: { Location: `${url}${sel ? `?$select=${sel}` : ''}` },
    body: { error: { code: 'resyncRequired', message: 'Resync required. Replace any local cached objects with the ones returned from the Location header.' } },
  };
}

function badToken(url: string): FakeResponse {
  return { status: 400, body: { error: { code: 'Request_BadRequest', message: `Invalid delta or skip token for ${url}` } } };
}
