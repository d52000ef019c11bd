/**
 * Webhook routes come from the registry: a source registered with an events capability that
 * declares a webhook (test/sources/badge, with a webhook given here) gets `/v1/events/<path>`
 * with its schema, its shared-secret check, metrics and queueing — the route file names no
 * source — and a source without one (GitHub) gets no route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { SOURCES } from '../../ingest/sources.js';
import { EventConfigError, type SourceEvents } from '../../src/model/sourceEvents.js';
import { BADGE_SOURCE } from '../sources/badge/source.js';
import { bearer, cleanupTemps, cliLoad, createKey, makeApp, scenario, tempDir, testConfig } from './helpers.js';

const BADGE_EVENTS: SourceEvents = {
  refreshSubject: () => Promise.reject(new EventConfigError('badge: no refresh')),
  webhook: {
    path: 'badge',
    secretField: 'token',
    title: 'Badge alarms',
    endpoints: [
      {
        method: 'POST',
        summary: 'Badge alarm delivery',
        body: { type: 'object', additionalProperties: false, required: ['id', 'holder'], properties: { id: { type: 'string' }, holder: { type: 'string', maxLength: 50 } } },
        responses: {},
        acceptedStatus: 202,
        forgedReason: 'badge-token',
        handle(req, ctx) {
          if (req.headers['x-badge-token'] !== ctx.secret) return { kind: 'refused', reason: 'secret', message: 'badge token missing or wrong' };
          const b = req.body as { id: string; holder: string };
          return { kind: 'items', status: 202, counts: {}, items: [{ key: `badge:${b.id}`, jobs: [{ kind: 'refresh', source: 'badge', subject: b.holder, reason: 'alarm' }] }] };
        },
      },
    ],
  },
};

let app: FastifyInstance;
let key: string;
let metricsKey: string;

beforeAll(async () => {
  SOURCES.register({ ...BADGE_SOURCE, capabilities: { ...BADGE_SOURCE.capabilities, events: () => Promise.resolve(BADGE_EVENTS) } });
  const dir = tempDir();
  await cliLoad(dir, scenario('cross-source-hr'));
  key = createKey(dir, ['events']);
  metricsKey = createKey(dir, ['metrics']);
  const config = testConfig();
  // The config file's schema knows the built-in sources; a registered source's section is set here.
  (config.events as unknown as Record<string, unknown>).badge = { token: 'env:BADGE_TOKEN' };
  ({ app } = await makeApp(dir, { config, env: { ...process.env, BADGE_TOKEN: 'badge-secret-1' } }));
});

afterAll(async () => {
  await app?.close();
  cleanupTemps();
});

describe('webhook routes from the registry', () => {
  it("registers the source's webhook: its schema, its secret, its items queued", async () => {
    const post = (headers: Record<string, string>, payload: unknown) => app.inject({ method: 'POST', url: '/v1/events/badge', headers: { ...bearer(key), ...headers }, payload: payload as object });
    expect((await post({ 'x-badge-token': 'wrong' }, { id: 'a1', holder: 'H1' })).statusCode).toBe(401);
    expect((await post({ 'x-badge-token': 'badge-secret-1' }, { id: 'a1', holder: 'H1', extra: true })).statusCode).toBe(400);
    const ok = await post({ 'x-badge-token': 'badge-secret-1' }, { id: 'a1', holder: 'H1' });
    expect(ok.statusCode).toBe(202);
    expect(ok.json()).toMatchObject({ accepted: 1, queued: 1 });
    expect((await post({ 'x-badge-token': 'badge-secret-1' }, { id: 'a1', holder: 'H1' })).json()).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(app.revenant.queue.list().some((j) => j.source === 'badge' && j.subject === 'H1' && j.reason === 'alarm')).toBe(true);
    const metrics = await app.inject({ url: '/metrics', headers: bearer(metricsKey) });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(/reason="badge-token"/);
    expect(metrics.body).toMatch(/source="badge",result="accepted"/);
  });

  it('gives no route to a source without a webhook, and keeps the built-in ones', async () => {
    expect((await app.inject({ method: 'POST', url: '/v1/events/github', headers: bearer(key), payload: {} })).statusCode).toBe(404);
    const okta = await app.inject({ method: 'POST', url: '/v1/events/okta', headers: bearer(key), payload: { data: { events: [] } } });
    expect(okta.statusCode).toBe(401);
  });
});
