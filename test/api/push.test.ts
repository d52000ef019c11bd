/**
 * Findings pushed out: a signed webhook (HMAC-SHA256 `t=…,v1=…`, event id, retries with
 * backoff, a dead-letter file for deliveries the receiver refuses), Splunk HEC, and the Sentinel
 * Logs Ingestion API (DCR stream). Each new snapshot sends only what changed — Create for new,
 * Close for resolved —, and a sink that is down loses nothing: its deliveries wait in the durable
 * outbox and it catches up, also across a restart and snapshots loaded meanwhile. The receivers
 * are real HTTP servers on loopback.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOcsfEvent } from '../../src/api/ocsf/requirements.js';
import { bearer, cleanupTemps, cliLoad, createKey, copyScenario, editJsonl, makeApp, scenario, setCollectedAt, tempDir, testConfig, waitFor } from './helpers.js';

type Ev = Record<string, any>;

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

class Receiver {
  readonly got: Received[] = [];
  /** Status codes to answer in turn (then 200). */
  script: number[] = [];
  answer: (r: Received) => { status: number; body?: string } = () => ({ status: 200, body: '{}' });
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const r = { path: req.url ?? '', headers: req.headers, body };
        this.got.push(r);
        const scripted = this.script.shift();
        const a = scripted !== undefined ? { status: scripted, body: '{"error":"scripted"}' } : this.answer(r);
        res.writeHead(a.status, { 'content-type': 'application/json' });
        res.end(a.body ?? '');
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  events(): Ev[] {
    return this.got.filter((g) => g.body.startsWith('{"id"')).flatMap((g) => JSON.parse(g.body).events);
  }
}

/** How a receiver checks a delivery (the snippet docs/siem.md shows). */
function verifySignature(secret: string, header: string, body: string, toleranceSec = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isFinite(t) || Math.abs(Date.now() / 1000 - t) > toleranceSec) return false;
  const want = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const got = Buffer.from(parts.v1 ?? '', 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

const SECRET = 'whsec_test_0123456789abcdef';

/** The next collection of cross-source-hr: Nora's Okta account deactivated, Oscar's Entra account disabled. */
function nextCollection(at: string, opts: { oscar?: boolean; nora?: boolean } = { oscar: true, nora: true }): string {
  const col = copyScenario('cross-source-hr');
  if (opts.nora) editJsonl(join(col, 'okta', 'users.jsonl'), (u) => (u.id === '00uEWtOGUUFB8FlG7rgw' ? { ...u, status: 'DEPROVISIONED', statusChanged: '2026-11-10T00:00:00.000Z' } : u));
  if (opts.oscar) editJsonl(join(col, 'entra', 'users.jsonl'), (u) => (u.id === '9934fad4-756a-51be-8aa7-c84112a40bef' ? { ...u, accountEnabled: false } : u));
  for (const s of ['entra', 'okta', 'hr']) setCollectedAt(join(col, s), at);
  return col;
}

afterAll(() => cleanupTemps());

describe('webhook', () => {
  it('pushes every finding first, then only changes, signed, with event ids; retries transient failures', async () => {
    const rx = await new Receiver().start();
    const dir = tempDir();
    const s1 = await cliLoad(dir, scenario('cross-source-hr'));
    const config = testConfig({ sinks: [{ type: 'webhook', name: 'hook', url: `${rx.url}/revenant`, secret: SECRET }] });
    const { app } = await makeApp(dir, { config });
    try {
      await waitFor(() => rx.got.length >= 1, 'first delivery');
      const first = rx.got[0];
      expect(first.path).toBe('/revenant');
      expect(first.headers['content-type']).toBe('application/json');
      expect(verifySignature(SECRET, String(first.headers['x-revenant-signature']), first.body)).toBe(true);
      expect(verifySignature('wrong-secret', String(first.headers['x-revenant-signature']), first.body)).toBe(false);
      expect(verifySignature(SECRET, String(first.headers['x-revenant-signature']), first.body.replace('"live"', '"dormant"'))).toBe(false);
      const body = JSON.parse(first.body);
      expect(body).toMatchObject({ id: first.headers['x-revenant-event-id'], type: 'revenant.findings', snapshot: s1 });
      expect(body.events.length).toBe(app.revenant.snapshots.current!.doc.findings.length);
      for (const e of body.events) {
        expect(e.activity_id).toBe(1);
        expect(checkOcsfEvent(e)).toEqual([]);
      }

      // A transient failure twice, then the next snapshot's changes go through.
      rx.script = [503, 503];
      const before = rx.got.length;
      const s2 = await cliLoad(dir, nextCollection('2026-11-15T00:00:00Z'));
      await waitFor(() => rx.got.length >= before + 3, 'retried delivery');
      const attempts = rx.got.slice(before);
      expect(new Set(attempts.map((a) => a.headers['x-revenant-event-id'])).size).toBe(1);
      const delivered = JSON.parse(attempts[2].body);
      expect(delivered.snapshot).toBe(s2);
      const acts = delivered.events.map((e: Ev) => e.activity_name);
      expect(acts).toContain('Create');
      expect(acts).toContain('Close');
      expect(acts).not.toContain('Update');
      const closed = delivered.events.filter((e: Ev) => e.activity_id === 3);
      expect(closed.every((e: Ev) => body.events.some((b: Ev) => b.finding_info.uid === e.finding_info.uid))).toBe(true);
      // The receiver has the body before the pusher has its answer: wait until the pusher recorded
      // the delivery (outbox row done and counter incremented in the same step), then count.
      await waitFor(() => app.revenant.pusher.status()[0].delivered === 2, 'second delivery recorded');
      const metrics = (await app.inject({ url: '/metrics', headers: bearer(createKey(dir, ['metrics'])) })).body;
      expect(metrics).toMatch(/revenant_push_failures_total\{sink="hook",kind="transient"\} 2/);
      expect(metrics).toMatch(/revenant_push_delivered_total\{sink="hook"\} 2/);
    } finally {
      await app.close();
      await rx.stop();
    }
  });

  it('loses nothing while the receiver is down, across a restart and snapshots loaded meanwhile', async () => {
    const dir = tempDir();
    await cliLoad(dir, scenario('cross-source-hr'));
    const rx1 = await new Receiver().start();
    const config1 = testConfig({ sinks: [{ type: 'webhook', name: 'siem', url: rx1.url, secret: SECRET }], push: { maxAttempts: 2, downPauseMs: 100_000 } });
    const a1 = await makeApp(dir, { config: config1 });
    await waitFor(() => rx1.got.length >= 1, 'initial delivery');
    const initial = rx1.events();
    await rx1.stop(); // the SIEM goes down
    const s3 = await cliLoad(dir, nextCollection('2026-11-15T00:00:00Z', { nora: true }));
    await waitFor(() => (a1.app.revenant.pusher.status()[0].pending ?? 0) >= 1, 'delivery pending');
    await waitFor(() => a1.app.revenant.pusher.status()[0].down, 'sink marked down');
    await a1.app.close();
    // Another snapshot while Revenant is stopped too.
    const s4 = await cliLoad(dir, nextCollection('2026-11-20T00:00:00Z', { nora: true, oscar: true }));

    const rx2 = await new Receiver().start();
    const config2 = testConfig({ sinks: [{ type: 'webhook', name: 'siem', url: rx2.url, secret: SECRET }] });
    const a2 = await makeApp(dir, { config: config2 });
    try {
      await waitFor(() => rx2.got.length >= 2, 'catch-up deliveries');
      const snaps = rx2.got.map((g) => JSON.parse(g.body).snapshot);
      expect(snaps).toEqual([s3, s4]);
      const all = [...initial, ...rx2.events()];
      // Replaying the events gives exactly the findings of the latest snapshot.
      const open = new Map<string, Ev>();
      for (const e of all) {
        if (e.activity_id === 3) open.delete(e.finding_info.uid);
        else open.set(e.finding_info.uid, e);
      }
      const now = a2.app.revenant.snapshots.current!.doc.findings.map((f) => f.id).sort();
      expect([...open.keys()].sort()).toEqual(now);
      expect(a2.app.revenant.pusher.status()[0]).toMatchObject({ position: s4, pending: 0 });
    } finally {
      await a2.app.close();
      await rx2.stop();
    }
  });

  it('writes a delivery the receiver keeps refusing to the dead-letter file, and goes on', async () => {
    const dir = tempDir();
    await cliLoad(dir, scenario('cross-source-hr'));
    const rx = await new Receiver().start();
    rx.answer = () => ({ status: 400, body: '{"error":"schema mismatch"}' });
    const dead = join(dir, 'dead.jsonl');
    const config = testConfig({ sinks: [{ type: 'webhook', name: 'strict', url: rx.url, secret: SECRET }], push: { maxAttempts: 2, deadLetterFile: dead } });
    const { app } = await makeApp(dir, { config });
    try {
      await waitFor(() => existsSync(dead), 'dead letter');
      const line = JSON.parse(readFileSync(dead, 'utf8').trim().split('\n')[0]);
      expect(line).toMatchObject({ sink: 'strict', attempts: 2, error: expect.stringMatching(/HTTP 400/) });
      expect(line.events.length).toBeGreaterThan(0);
      expect(readFileSync(dead, 'utf8')).not.toContain(SECRET);
      expect(rx.got.length).toBe(2);
      expect(app.revenant.pusher.status()[0]).toMatchObject({ dead: 1, pending: 0 });
      rx.answer = () => ({ status: 200 });
      const s2 = await cliLoad(dir, nextCollection('2026-11-15T00:00:00Z'));
      await waitFor(() => rx.got.some((g) => JSON.parse(g.body).snapshot === s2 && g === rx.got.at(-1)), 'next delivery');
      expect((await app.inject({ url: '/metrics', headers: bearer(createKey(dir, ['metrics'])) })).body).toMatch(/revenant_push_dead_letters_total\{sink="strict"\} 1/);
    } finally {
      await app.close();
      await rx.stop();
    }
  });
});

describe('Splunk HEC and Sentinel', () => {
  it('sends HEC events with the Splunk token', async () => {
    const rx = await new Receiver().start();
    rx.answer = () => ({ status: 200, body: '{"text":"Success","code":0}' });
    const dir = tempDir();
    const s1 = await cliLoad(dir, scenario('cross-source-hr'));
    const config = testConfig({ sinks: [{ type: 'splunk', name: 'splunk', url: rx.url, token: 'env:TEST_HEC_TOKEN', index: 'identity', sourcetype: 'ocsf:finding' }] });
    const { app } = await makeApp(dir, { config, env: { TEST_HEC_TOKEN: '11111111-2222-3333-4444-555555555555' } });
    try {
      await waitFor(() => rx.got.length >= 1, 'HEC delivery');
      const g = rx.got[0];
      expect(g.path).toBe('/services/collector/event');
      expect(g.headers.authorization).toBe('Splunk 11111111-2222-3333-4444-555555555555');
      const lines = g.body.split('\n').map((l) => JSON.parse(l));
      expect(lines.length).toBe(app.revenant.snapshots.current!.doc.findings.length);
      for (const l of lines) {
        expect(l).toMatchObject({ source: 'revenant', sourcetype: 'ocsf:finding', index: 'identity', fields: { revenant_snapshot: s1 } });
        expect(typeof l.time).toBe('number');
        expect(checkOcsfEvent(l.event)).toEqual([]);
      }
    } finally {
      await app.close();
      await rx.stop();
    }
  });

  it('sends Logs Ingestion records to the DCR stream with a bearer token', async () => {
    const rx = await new Receiver().start();
    rx.answer = () => ({ status: 204 });
    const dir = tempDir();
    await cliLoad(dir, scenario('cross-source-hr'));
    const dcr = 'dcr-00000000000000000000000000000001';
    const config = testConfig({
      sinks: [{ type: 'sentinel', name: 'sentinel', endpoint: rx.url, dcrImmutableId: dcr, stream: 'Custom-RevenantFindings_CL', auth: { mode: 'token', token: 'env:TEST_MONITOR_TOKEN' }, ocsfClass: 2004 }],
    });
    const { app } = await makeApp(dir, { config, env: { TEST_MONITOR_TOKEN: 'eyJ0eXAiOiJKV1Qi.test.token' } });
    try {
      await waitFor(() => rx.got.length >= 1, 'ingestion call');
      const g = rx.got[0];
      expect(g.path).toBe(`/dataCollectionRules/${dcr}/streams/Custom-RevenantFindings_CL?api-version=2023-01-01`);
      expect(g.headers.authorization).toBe('Bearer eyJ0eXAiOiJKV1Qi.test.token');
      const records = JSON.parse(g.body);
      expect(Array.isArray(records)).toBe(true);
      for (const r of records) {
        expect(r).toMatchObject({ TimeGenerated: expect.any(String), Activity: 'Create', FindingId: expect.stringMatching(/^[0-9a-f]{32}$/), Rule: expect.any(String) });
        expect(r.Ocsf.class_uid).toBe(2004);
        expect(checkOcsfEvent(r.Ocsf)).toEqual([]);
      }
      await waitFor(() => app.revenant.pusher.status()[0].delivered === 1, 'delivered');
    } finally {
      await app.close();
      await rx.stop();
    }
  });

  it('refuses plain http to another host in the config', async () => {
    expect(() => testConfig({ sinks: [{ type: 'webhook', name: 'x', url: 'http://siem.example.com/hook', secret: 's' }] })).toThrow(/must be https/);
  });
});
