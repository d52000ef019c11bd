/**
 * What the change-feed suites share: `Poller`, a SIEM that only polls `GET /v1/findings` — it
 * keeps its last cursor, pages until `hasMore` is false, and keeps what it believes is open (an
 * item is upserted by id, and dropped on `closed` or when its new state leaves the poller's
 * filter) — and the collections they load: A, B (`collection`) and an escalation (`escalation`).
 */
import { join } from 'node:path';
import { expect } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Finding } from '../../queries/residual.js';
import { bearer, copyScenario, editJsonl, setCollectedAt } from './helpers.js';

export type Item = Finding & { change?: { seq: number; kind: string; reason: string | null; previousStatus: string | null } };

/** A SIEM that only polls: its saved cursor and what it believes is open. */
export class Poller {
  cursor: string | undefined;
  readonly open = new Map<string, Item>();
  readonly seen: Item[] = [];
  pages = 0;
  constructor(
    private readonly app: FastifyInstance,
    private readonly key: string,
    private readonly query: Record<string, string | string[]> = {},
    private readonly limit = 2,
  ) {}

  private matches(f: Item): boolean {
    for (const [k, v] of Object.entries(this.query)) {
      const want = Array.isArray(v) ? v : [v];
      const got = k === 'source' ? f.subject.source : (f as unknown as Record<string, string>)[k];
      if (!want.includes(got)) return false;
    }
    return true;
  }

  /** Page until there is nothing more now; returns the items of this poll. */
  async poll(): Promise<Item[]> {
    const got: Item[] = [];
    for (;;) {
      const qs = new URLSearchParams({ limit: String(this.limit) });
      for (const [k, v] of Object.entries(this.query)) for (const x of Array.isArray(v) ? v : [v]) qs.append(k, x);
      if (this.cursor) qs.set('cursor', this.cursor);
      const r = await this.app.inject({ url: `/v1/findings?${qs}`, headers: bearer(this.key) });
      expect(r.statusCode, r.body).toBe(200);
      const body = r.json();
      this.pages++;
      expect(body.count).toBeLessThanOrEqual(this.limit);
      for (const it of body.items as Item[]) {
        got.push(it);
        if (it.change?.kind === 'closed' || !this.matches(it)) this.open.delete(it.id);
        else this.open.set(it.id, it);
      }
      this.cursor = body.next;
      if (!body.hasMore) break;
    }
    this.seen.push(...got);
    return got;
  }
}

/** Collection A (cross-source-hr) at a time; B: Oscar's Entra account disabled (new findings), Nora's Okta account deprovisioned (one resolved). */
export function collection(kind: 'A' | 'B', at: string): string {
  const col = copyScenario('cross-source-hr');
  if (kind === 'B') {
    editJsonl(join(col, 'entra', 'users.jsonl'), (u) => (u.id === '9934fad4-756a-51be-8aa7-c84112a40bef' ? { ...u, accountEnabled: false } : u));
    editJsonl(join(col, 'okta', 'users.jsonl'), (u) => (u.id === '00uEWtOGUUFB8FlG7rgw' ? { ...u, status: 'DEPROVISIONED', statusChanged: '2026-11-10T00:00:00.000Z' } : u));
  }
  for (const s of ['entra', 'okta', 'hr']) setCollectedAt(join(col, s), at);
  return col;
}

/** The okta-lifecycle scenario; `escalated`: the owner of a dormant API token goes from SUSPENDED to DEPROVISIONED (the token finding turns live). */
export const TOKEN_OWNER = '00ubGOAizuyeSy1b3nuL';
export function escalation(escalated: boolean): string {
  const col = copyScenario('okta-lifecycle');
  if (escalated) editJsonl(join(col, 'okta', 'users.jsonl'), (u) => (u.id === TOKEN_OWNER ? { ...u, status: 'DEPROVISIONED', statusChanged: '2026-11-12T00:00:00.000Z' } : u));
  return col;
}
