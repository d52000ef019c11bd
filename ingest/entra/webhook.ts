/**
 * Microsoft Graph change notifications as the server receives them (`/v1/events/entra`,
 * src/api/routes/v1/events.ts registers it from here): the `validationToken` echo (text/plain)
 * when a subscription is created, then notifications whose `clientState` must match the
 * configured secret (`events.entra.clientState`); basic notifications (ids only) queue a refresh
 * of the user, lifecycle notifications (`reauthorizationRequired`, `subscriptionRemoved`,
 * `missed`) the subscription chore (events.ts `graphItems`). Graph sends no headers: the API key
 * may be given as `?key=`.
 */
import type { SourceWebhook } from '../../src/model/sourceEvents.js';
import { type GraphNotification, graphItems } from './events.js';

const s = (max: number) => ({ type: 'string', maxLength: max }) as const;

export const ENTRA_WEBHOOK: SourceWebhook = {
  path: 'entra',
  secretField: 'clientState',
  title: 'Microsoft Graph notifications',
  endpoints: [
    {
      method: 'POST',
      summary: 'Microsoft Graph change notifications (and the subscription validation echo)',
      queryKey: true,
      querystring: {
        validationToken: { type: 'string', minLength: 1, maxLength: 4096, description: 'Sent by Graph when a subscription is created: echoed as text/plain.' },
        key: { type: 'string', maxLength: 200, description: 'The API key, for Graph (which sends no headers). Prefer the Authorization header elsewhere.' },
      },
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
      responses: { 200: { type: 'string', description: 'The validation token, as text/plain.' } },
      acceptedStatus: 202,
      forgedReason: 'graph-client-state',
      handle(req, ctx) {
        const token = req.query.validationToken;
        if (token !== undefined) return { kind: 'reply', status: 200, body: token, contentType: 'text/plain; charset=utf-8', result: 'validation' };
        const body = req.body as { value?: GraphNotification[] } | string | undefined;
        if (!body || typeof body !== 'object' || !Array.isArray(body.value)) return { kind: 'refused', reason: 'invalid', message: 'expected a JSON body {"value": [notifications]}' };
        const { items, forged, rejected, ignored } = graphItems(body.value, ctx.secret);
        if (forged && items.length === 0 && !rejected) return { kind: 'refused', reason: 'client-state', message: 'clientState does not match', forged };
        if (items.length === 0 && rejected) return { kind: 'refused', reason: 'invalid', message: 'no notification of the delivery can be read (e.g. a resource that does not decode)', forged, rejected };
        return { kind: 'items', items, status: 202, counts: { ignored, rejected }, forged, rejected };
      },
    },
  ],
};
