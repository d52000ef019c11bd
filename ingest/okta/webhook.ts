/**
 * Okta's event hook as the server receives it (`/v1/events/okta`, src/api/routes/v1/events.ts
 * registers it from here): the one-time verification (GET with `x-okta-verification-challenge`,
 * answered `{"verification": …}`) and deliveries (POST), both carrying the shared secret in the
 * configured header (`events.okta.hookSecretHeader`, a custom header of the hook; Okta sends the
 * API key as its Authorization header). Events are de-duplicated on `uuid`; deactivations,
 * suspensions, app unassignments, privilege revocations and API token revocations queue a refresh
 * of the user (events.ts `oktaItems`).
 */
import type { SourceWebhook, WebhookContext, WebhookOutcome, WebhookRequest } from '../../src/model/sourceEvents.js';
import { safeEqual } from '../collection/safeEqual.js';
import { DEFAULT_HOOK_SECRET_HEADER } from './eventSettings.js';
import { type OktaHookBody, oktaItems } from './events.js';

const s = (max: number) => ({ type: 'string', maxLength: max }) as const;

/** The refusal of a request without the shared secret (undefined: it carries it). */
function checkSecret(req: WebhookRequest, ctx: WebhookContext): WebhookOutcome | undefined {
  const h = ctx.settings.hookSecretHeader;
  const header = (typeof h === 'string' ? h : DEFAULT_HOOK_SECRET_HEADER).toLowerCase();
  const got = req.headers[header];
  if (typeof got === 'string' && safeEqual(got, ctx.secret)) return undefined;
  return { kind: 'refused', reason: 'secret', message: `event hook secret missing or wrong (header ${header})` };
}

export const OKTA_WEBHOOK: SourceWebhook = {
  path: 'okta',
  secretField: 'hookSecret',
  title: 'Okta event hooks',
  endpoints: [
    {
      method: 'GET',
      summary: 'Okta event hook one-time verification',
      querystring: {},
      headers: {
        type: 'object',
        required: ['x-okta-verification-challenge'],
        properties: { 'x-okta-verification-challenge': { type: 'string', minLength: 1, maxLength: 512 } },
      },
      responses: { 200: { type: 'object', additionalProperties: false, properties: { verification: { type: 'string' } }, required: ['verification'] } },
      forgedReason: 'okta-hook-secret',
      handle(req, ctx) {
        return checkSecret(req, ctx) ?? { kind: 'reply', status: 200, body: { verification: req.headers['x-okta-verification-challenge'] }, result: 'verification' };
      },
    },
    {
      method: 'POST',
      summary: 'Okta event hook delivery',
      querystring: {},
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
      responses: {},
      acceptedStatus: 200,
      forgedReason: 'okta-hook-secret',
      handle(req, ctx) {
        const refused = checkSecret(req, ctx);
        if (refused) return refused;
        const { items, ignored } = oktaItems(req.body as OktaHookBody);
        return { kind: 'items', items, status: 200, counts: { ignored } };
      },
    },
  ],
};
