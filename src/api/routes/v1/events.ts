/**
 * Identity events in.
 * - `GET /v1/events/okta`: Okta's one-time event hook verification
 *   (`x-okta-verification-challenge` → `{"verification": …}`).
 * - `POST /v1/events/okta`: Okta event hook deliveries. Needs the `events` scope (Okta sends the
 *   key as its Authorization header) and the shared secret in the configured header (a custom
 *   header of the hook). Events are de-duplicated on `uuid`; deactivations, suspensions, app
 *   unassignments, privilege revocations and API token revocations queue a refresh of the user.
 * - `POST /v1/events/entra`: Microsoft Graph change notifications: the `validationToken` echo
 *   (text/plain) when a subscription is created, then notifications whose `clientState` must
 *   match the configured secret; basic notifications (ids only) queue a refresh of the user,
 *   lifecycle notifications (`reauthorizationRequired`, `subscriptionRemoved`, `missed`) queue
 *   the subscription chore. The key may be given as `?key=` (Graph sends no headers).
 * Accepted events are committed to the queue before the 2xx reply; the refresh itself runs
 * after, so the reply comes in milliseconds (Okta wants it within 3 s, Graph within 3 s).
 */
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../../httpError.js';
import { API_ERR } from '../../errorCatalogue.js';
import { type GraphNotification, graphItems } from '../../../../ingest/entra/events.js';
import { type OktaHookBody, oktaItems } from '../../../../ingest/okta/events.js';
import { safeEqual } from '../../../../ingest/collection/safeEqual.js';
import { V1_ERRORS, errorResponses, security } from '../../schemas.js';
import '../../types.js';

const acceptedSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    accepted: { type: 'integer' },
    duplicates: { type: 'integer' },
    queued: { type: 'integer' },
    coalesced: { type: 'integer' },
    ignored: { type: 'integer' },
    rejected: { type: 'integer', description: 'Notifications refused on their own (unreadable, e.g. a resource that does not decode); the rest of the batch is accepted.' },
  },
  required: ['accepted', 'queued'],
} as const;

const s = (max: number) => ({ type: 'string', maxLength: max }) as const;

export default async function eventRoutes(fastify: FastifyInstance): Promise<void> {
  const { config, queue, secrets, metrics } = fastify.revenant;

  const checkOkta = (headers: Record<string, unknown>): void => {
    const okta = config.events.okta;
    if (!okta || !secrets.oktaHookSecret) throw new HttpError(API_ERR.NOT_CONFIGURED, 'Okta event hooks are not configured on this server (events.okta)');
    const got = headers[okta.hookSecretHeader];
    if (typeof got !== 'string' || !safeEqual(got, secrets.oktaHookSecret)) {
      metrics.authFailures.inc({ reason: 'okta-hook-secret' });
      metrics.eventsReceived.inc({ source: 'okta', result: 'forged' });
      throw new HttpError(API_ERR.HOOK_SECRET, `event hook secret missing or wrong (header ${okta.hookSecretHeader})`);
    }
  };

  fastify.get<{ Headers: { 'x-okta-verification-challenge': string } }>(
    '/v1/events/okta',
    {
      config: { scope: 'events' },
      schema: {
        tags: ['events'],
        summary: 'Okta event hook one-time verification',
        security,
        querystring: { type: 'object', additionalProperties: false, properties: {} },
        headers: {
          type: 'object',
          required: ['x-okta-verification-challenge'],
          properties: { 'x-okta-verification-challenge': { type: 'string', minLength: 1, maxLength: 512 } },
        },
        response: {
          200: { type: 'object', additionalProperties: false, properties: { verification: { type: 'string' } }, required: ['verification'] },
          ...V1_ERRORS,
          ...errorResponses(404),
        },
      },
    },
    async (req) => {
      checkOkta(req.headers);
      metrics.eventsReceived.inc({ source: 'okta', result: 'verification' });
      return { verification: req.headers['x-okta-verification-challenge'] };
    },
  );

  fastify.post<{ Body: OktaHookBody }>(
    '/v1/events/okta',
    {
      config: { scope: 'events' },
      schema: {
        tags: ['events'],
        summary: 'Okta event hook delivery',
        security,
        querystring: { type: 'object', additionalProperties: false, properties: {} },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['data'],
          properties: {
            eventType: s(200),
            eventTypeVersion: s(20),
            cloudEventsVersion: s(20),
            source: s(2048),
            eventId: s(200),
            eventTime: s(64),
            contentType: s(100),
            data: {
              type: 'object',
              additionalProperties: false,
              required: ['events'],
              properties: {
                events: {
                  type: 'array',
                  maxItems: 1000,
                  items: {
                    type: 'object',
                    description: 'A System Log event (LogEvent); fields other than these are kept by Okta and ignored here.',
                    additionalProperties: true,
                    required: ['uuid', 'eventType'],
                    properties: {
                      uuid: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[^\\u0000-\\u001f\\u007f\\s]+$', description: 'The replay key: an event without one is refused.' },
                      eventType: s(200),
                      published: s(64),
                      target: { type: ['array', 'null'], maxItems: 100, items: { type: 'object', additionalProperties: true, properties: { id: s(200), type: s(100) } } },
                      actor: { type: ['object', 'null'], additionalProperties: true, properties: { id: s(200), type: s(100) } },
                    },
                  },
                },
              },
            },
          },
        },
        response: { 200: acceptedSchema, ...V1_ERRORS, ...errorResponses(404, 413, 415) },
      },
    },
    async (req) => {
      checkOkta(req.headers);
      const { items, ignored } = oktaItems(req.body);
      const r = queue.accept(items);
      metrics.eventsReceived.inc({ source: 'okta', result: 'accepted' }, r.accepted);
      if (r.duplicates) metrics.eventsReceived.inc({ source: 'okta', result: 'duplicate' }, r.duplicates);
      req.log.info({ accepted: r.accepted, duplicates: r.duplicates, queued: r.queued, ignored }, 'okta events accepted');
      return { ...r, ignored };
    },
  );

  fastify.post<{ Querystring: { validationToken?: string; key?: string }; Body: { value?: GraphNotification[] } | string | undefined }>(
    '/v1/events/entra',
    {
      config: { scope: 'events', queryKey: true },
      schema: {
        tags: ['events'],
        summary: 'Microsoft Graph change notifications (and the subscription validation echo)',
        security,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            validationToken: { type: 'string', minLength: 1, maxLength: 4096, description: 'Sent by Graph when a subscription is created: echoed as text/plain.' },
            key: { type: 'string', maxLength: 200, description: 'The API key, for Graph (which sends no headers). Prefer the Authorization header elsewhere.' },
          },
        },
        body: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['value'],
                properties: {
                  value: {
                    type: 'array',
                    maxItems: 1000,
                    items: {
                      type: 'object',
                      description: 'A changeNotification; other fields Graph sends are ignored.',
                      additionalProperties: true,
                      properties: {
                        id: s(200),
                        subscriptionId: s(100),
                        clientState: s(255),
                        changeType: s(100),
                        resource: s(1024),
                        tenantId: s(100),
                        lifecycleEvent: s(100),
                        subscriptionExpirationDateTime: s(64),
                        resourceData: { type: 'object', additionalProperties: true, properties: { id: s(200) } },
                      },
                    },
                  },
                  validationTokens: { type: 'array', maxItems: 100, items: { type: 'string' } },
                },
              },
            },
            'text/plain': { schema: { type: 'string', maxLength: 4096 } },
          },
        },
        response: {
          200: { type: 'string', description: 'The validation token, as text/plain.' },
          202: acceptedSchema,
          ...V1_ERRORS,
          ...errorResponses(404, 413, 415),
        },
      },
    },
    async (req, reply) => {
      if (!config.events.entra || !secrets.entraClientState) throw new HttpError(API_ERR.NOT_CONFIGURED, 'Microsoft Graph notifications are not configured on this server (events.entra)');
      if (req.query.validationToken !== undefined) {
        metrics.eventsReceived.inc({ source: 'entra', result: 'validation' });
        return reply.code(200).type('text/plain; charset=utf-8').send(req.query.validationToken);
      }
      const body = req.body;
      if (!body || typeof body !== 'object' || !Array.isArray(body.value)) throw new HttpError(API_ERR.VALIDATION, 'expected a JSON body {"value": [notifications]}');
      const { items, forged, rejected, ignored } = graphItems(body.value, secrets.entraClientState);
      if (forged) {
        metrics.authFailures.inc({ reason: 'graph-client-state' }, forged);
        metrics.eventsReceived.inc({ source: 'entra', result: 'forged' }, forged);
        req.log.warn({ forged }, 'Graph notifications with a wrong clientState refused');
      }
      if (rejected) {
        metrics.eventsReceived.inc({ source: 'entra', result: 'rejected' }, rejected);
        req.log.warn({ rejected }, 'unreadable Graph notifications refused');
      }
      if (forged && items.length === 0 && !rejected) throw new HttpError(API_ERR.CLIENT_STATE, 'clientState does not match');
      if (items.length === 0 && rejected) throw new HttpError(API_ERR.VALIDATION, 'no notification of the delivery can be read (e.g. a resource that does not decode)');
      const r = queue.accept(items);
      metrics.eventsReceived.inc({ source: 'entra', result: 'accepted' }, r.accepted);
      if (r.duplicates) metrics.eventsReceived.inc({ source: 'entra', result: 'duplicate' }, r.duplicates);
      req.log.info({ accepted: r.accepted, duplicates: r.duplicates, queued: r.queued, ignored, rejected }, 'graph notifications accepted');
      return reply.code(202).send({ ...r, ignored, rejected });
    },
  );
}
