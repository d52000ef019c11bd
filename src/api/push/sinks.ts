/**
 * Where findings are pushed: a generic HTTPS webhook (HMAC-SHA256 signed), Splunk's HTTP Event
 * Collector, and the Microsoft Sentinel (Azure Monitor) Logs Ingestion API through a data
 * collection rule stream. Each sink sends one batch of OCSF events and classifies the outcome:
 * `ok`; `transient` (network error, timeout, 408, 425, 429, 5xx, and 401/403 — a credential
 * problem the operator fixes; the delivery waits); `rejected` (any other 4xx: the receiver
 * refuses this payload, retrying will not help). Tokens and secrets are only ever put in request
 * headers, never in messages or logs.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import type { SentinelSinkConfig, SinkConfig, SplunkSinkConfig, WebhookSinkConfig } from '../config.js';
import { resolveSecret } from '../config.js';
import type { OcsfEvent } from '../ocsf/ocsf.js';
import { API_VERSION } from '../version.js';

export interface Delivery {
  deliveryId: string;
  snapshot: string;
  events: OcsfEvent[];
}

export type SendResult = { ok: true; status: number } | { ok: false; kind: 'transient' | 'rejected'; status: number; message: string };

export interface Sink {
  readonly name: string;
  readonly type: SinkConfig['type'];
  readonly ocsfClass: 2008 | 2004;
  send(d: Delivery, signal: AbortSignal): Promise<SendResult>;
}

const UA = `revenant/${API_VERSION}`;

function classify(status: number): 'ok' | 'transient' | 'rejected' {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 408 || status === 425 || status === 429 || status >= 500 || status === 401 || status === 403) return 'transient';
  return 'rejected';
}

async function post(url: string, headers: Record<string, string>, body: string, signal: AbortSignal, what: string): Promise<SendResult> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'user-agent': UA, ...headers }, body, signal, redirect: 'error' });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name ?? 'network error';
    return { ok: false, kind: 'transient', status: 0, message: `${what}: ${cause}` };
  }
  let text = '';
  try {
    text = (await res.text()).slice(0, 300);
  } catch {
    // body unreadable: the status decides
  }
  const kind = classify(res.status);
  if (kind === 'ok') return { ok: true, status: res.status };
  return { ok: false, kind, status: res.status, message: `${what}: HTTP ${res.status}${text ? `: ${text.replace(/\s+/g, ' ')}` : ''}` };
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` */
function signature(secret: string, body: string, t: number): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

class WebhookSink implements Sink {
  readonly type = 'webhook' as const;
  readonly name: string;
  readonly ocsfClass: 2008 | 2004;
  private readonly secret: string;

  constructor(
    private readonly c: WebhookSinkConfig,
    env: NodeJS.ProcessEnv,
    private readonly timeoutMs: number,
  ) {
    this.name = c.name;
    this.ocsfClass = c.ocsfClass ?? 2008;
    this.secret = resolveSecret(c.secret, `sinks.${c.name}.secret`, env);
  }

  send(d: Delivery, signal: AbortSignal): Promise<SendResult> {
    const body = JSON.stringify({ id: d.deliveryId, type: 'revenant.findings', snapshot: d.snapshot, events: d.events });
    const t = Math.floor(Date.now() / 1000);
    return post(
      this.c.url,
      {
        ...(this.c.headers ?? {}),
        'content-type': 'application/json',
        'x-revenant-event-id': d.deliveryId,
        'x-revenant-signature': signature(this.secret, body, t),
      },
      body,
      AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]),
      `webhook ${this.name}`,
    );
  }
}

class SplunkSink implements Sink {
  readonly type = 'splunk' as const;
  readonly name: string;
  private readonly channel = randomUUID();
  readonly ocsfClass: 2008 | 2004;
  private readonly token: string;

  constructor(
    private readonly c: SplunkSinkConfig,
    env: NodeJS.ProcessEnv,
    private readonly timeoutMs: number,
  ) {
    this.name = c.name;
    this.ocsfClass = c.ocsfClass ?? 2008;
    this.token = resolveSecret(c.token, `sinks.${c.name}.token`, env);
  }

  send(d: Delivery, signal: AbortSignal): Promise<SendResult> {
    const body = d.events
      .map((e) =>
        JSON.stringify({
          time: Number(e.time) / 1000,
          source: this.c.source ?? 'revenant',
          sourcetype: this.c.sourcetype ?? 'ocsf:finding',
          ...(this.c.index ? { index: this.c.index } : {}),
          fields: { revenant_delivery: d.deliveryId, revenant_snapshot: d.snapshot },
          event: e,
        }),
      )
      .join('\n');
    return post(
      `${this.c.url.replace(/\/+$/, '')}/services/collector/event`,
      { authorization: `Splunk ${this.token}`, 'content-type': 'application/json', 'x-splunk-request-channel': this.channel },
      body,
      AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]),
      `splunk ${this.name}`,
    );
  }
}

/** Scope of the Logs Ingestion API (the double slash is Azure Monitor's documented form). */
const MONITOR_SCOPE = 'https://monitor.azure.com//.default';
const MAX_CALL_BYTES = 1_000_000;

/** One Logs Ingestion record per event: a few flat columns for queries, and the OCSF event itself. */
function sentinelRecord(e: OcsfEvent): Record<string, unknown> {
  const r = ((e.unmapped as Record<string, unknown> | undefined)?.revenant ?? {}) as Record<string, unknown>;
  const subject = (r.subject ?? {}) as Record<string, unknown>;
  const via = (r.via ?? {}) as Record<string, unknown>;
  return {
    TimeGenerated: new Date(Number(e.time)).toISOString(),
    EventUid: (e.metadata as Record<string, unknown>).uid,
    Activity: e.activity_name,
    FindingId: (e.finding_info as Record<string, unknown>).uid,
    Rule: r.rule,
    Status: r.status,
    Severity: r.severity,
    SubjectSource: subject.source,
    SubjectId: subject.id,
    SubjectName: subject.name,
    ViaKind: via.kind,
    ViaId: via.id,
    ViaName: via.name,
    ValidUntil: r.validUntil ?? null,
    Snapshot: r.snapshot,
    Ocsf: e,
  };
}

class SentinelSink implements Sink {
  readonly type = 'sentinel' as const;
  readonly name: string;
  readonly ocsfClass: 2008 | 2004;
  private readonly url: string;
  private credential: TokenCredential | null = null;
  private readonly staticToken: string | null;

  constructor(
    private readonly c: SentinelSinkConfig,
    env: NodeJS.ProcessEnv,
    private readonly timeoutMs: number,
  ) {
    this.name = c.name;
    this.ocsfClass = c.ocsfClass ?? 2008;
    this.url = `${c.endpoint.replace(/\/+$/, '')}/dataCollectionRules/${encodeURIComponent(c.dcrImmutableId)}/streams/${encodeURIComponent(c.stream)}?api-version=2023-01-01`;
    this.staticToken = c.auth?.mode === 'token' ? resolveSecret(c.auth.token, `sinks.${c.name}.auth.token`, env) : null;
  }

  private async token(): Promise<string> {
    if (this.staticToken) return this.staticToken;
    if (!this.credential) {
      const id = await import('@azure/identity');
      const a = this.c.auth;
      const mode = a && a.mode !== 'token' ? a.mode : 'default';
      const clientId = a && a.mode !== 'token' ? a.clientId : undefined;
      this.credential =
        mode === 'env'
          ? new id.EnvironmentCredential()
          : mode === 'managed-identity'
            ? clientId
              ? new id.ManagedIdentityCredential({ clientId })
              : new id.ManagedIdentityCredential()
            : new id.DefaultAzureCredential(clientId ? { managedIdentityClientId: clientId } : {});
    }
    const t = await this.credential.getToken(MONITOR_SCOPE);
    if (!t) throw new Error('no token for Azure Monitor');
    return t.token;
  }

  async send(d: Delivery, signal: AbortSignal): Promise<SendResult> {
    let token: string;
    try {
      token = await this.token();
    } catch (e) {
      return { ok: false, kind: 'transient', status: 0, message: `sentinel ${this.name}: cannot get a token for Azure Monitor (${(e as Error).name})` };
    }
    // The API takes at most 1 MB per call: split the batch when needed.
    const records = d.events.map(sentinelRecord);
    const chunks: string[] = [];
    let cur: string[] = [];
    let size = 2;
    for (const r of records) {
      const s = JSON.stringify(r);
      if (cur.length && size + s.length + 1 > MAX_CALL_BYTES) {
        chunks.push(`[${cur.join(',')}]`);
        cur = [];
        size = 2;
      }
      cur.push(s);
      size += s.length + 1;
    }
    if (cur.length) chunks.push(`[${cur.join(',')}]`);
    let last: SendResult = { ok: true, status: 204 };
    for (const body of chunks) {
      last = await post(
        this.url,
        { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-ms-client-request-id': d.deliveryId },
        body,
        AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]),
        `sentinel ${this.name}`,
      );
      if (!last.ok) return last;
    }
    return last;
  }
}

export function makeSink(c: SinkConfig, env: NodeJS.ProcessEnv, timeoutMs: number): Sink {
  switch (c.type) {
    case 'webhook':
      return new WebhookSink(c, env, timeoutMs);
    case 'splunk':
      return new SplunkSink(c, env, timeoutMs);
    case 'sentinel':
      return new SentinelSink(c, env, timeoutMs);
  }
}
