/**
 * The server's Prometheus metrics, in a registry of its own (two servers in one process — tests —
 * never share counters): HTTP requests and their latencies by route, findings of the snapshot
 * being served by status and severity, the event queue's depth, events received, refreshes, and
 * push deliveries and failures per sink. Gauges that mirror state are computed when scraped.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class ApiMetrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly findings: Gauge<'status' | 'severity'>;
  readonly snapshotAge: Gauge;
  readonly snapshotSwaps: Counter;
  readonly queueDepth: Gauge<'state'>;
  readonly eventsReceived: Counter<'source' | 'result'>;
  readonly refreshes: Counter<'source' | 'result'>;
  readonly pushDelivered: Counter<'sink'>;
  readonly pushFailures: Counter<'sink' | 'kind'>;
  readonly pushDeadLetters: Counter<'sink'>;
  readonly pushPending: Gauge<'sink'>;
  readonly authFailures: Counter<'reason'>;
  readonly rateLimited: Counter;

  constructor(collect: { findings(): Map<string, number>; snapshotTime(): number | null; queue(): Record<string, number>; pending(): Record<string, number> }) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'revenant_' });
    this.httpRequests = new Counter({ name: 'revenant_http_requests_total', help: 'HTTP requests by method, route and status', labelNames: ['method', 'route', 'status'], registers });
    this.httpDuration = new Histogram({
      name: 'revenant_http_request_duration_seconds',
      help: 'HTTP request latency by method, route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers,
    });
    this.findings = new Gauge({
      name: 'revenant_findings',
      help: 'Findings of the snapshot being served, by status and severity',
      labelNames: ['status', 'severity'],
      registers,
      collect() {
        this.reset();
        for (const [k, n] of collect.findings()) {
          const [status, severity] = k.split('\u0000');
          this.set({ status, severity }, n);
        }
      },
    });
    this.snapshotAge = new Gauge({
      name: 'revenant_snapshot_age_seconds',
      help: 'Seconds since the collection time of the snapshot being served',
      registers,
      collect() {
        const t = collect.snapshotTime();
        if (t !== null) this.set((Date.now() - t) / 1000);
      },
    });
    this.snapshotSwaps = new Counter({ name: 'revenant_snapshot_swaps_total', help: 'Snapshots swapped in', registers });
    this.queueDepth = new Gauge({
      name: 'revenant_event_queue_depth',
      help: 'Jobs of the event queue by state (queued and running are the depth)',
      labelNames: ['state'],
      registers,
      collect() {
        for (const [state, n] of Object.entries(collect.queue())) this.set({ state }, n);
      },
    });
    this.eventsReceived = new Counter({ name: 'revenant_events_received_total', help: 'Identity events received, by source and outcome', labelNames: ['source', 'result'], registers });
    this.refreshes = new Counter({ name: 'revenant_refreshes_total', help: 'Event-driven subject refreshes, by source and outcome', labelNames: ['source', 'result'], registers });
    this.pushDelivered = new Counter({ name: 'revenant_push_delivered_total', help: 'Push deliveries accepted by the sink', labelNames: ['sink'], registers });
    this.pushFailures = new Counter({ name: 'revenant_push_failures_total', help: 'Failed push attempts, by sink and kind (transient, rejected)', labelNames: ['sink', 'kind'], registers });
    this.pushDeadLetters = new Counter({ name: 'revenant_push_dead_letters_total', help: 'Deliveries written to the dead-letter file', labelNames: ['sink'], registers });
    this.pushPending = new Gauge({
      name: 'revenant_push_pending',
      help: 'Deliveries waiting per sink',
      labelNames: ['sink'],
      registers,
      collect() {
        for (const [sink, n] of Object.entries(collect.pending())) this.set({ sink }, n);
      },
    });
    this.authFailures = new Counter({ name: 'revenant_auth_failures_total', help: 'Refused API keys and hook secrets, by reason', labelNames: ['reason'], registers });
    this.rateLimited = new Counter({ name: 'revenant_rate_limited_total', help: 'Requests refused with 429', registers });
  }
}
