/**
 * Identity events in: one webhook per registered source whose events capability declares one
 * (`capabilities.events` → `webhook`, in the source's folder: ingest/okta/webhook.ts — Okta event
 * hooks at `/v1/events/okta`; ingest/entra/webhook.ts — Microsoft Graph change notifications at
 * `/v1/events/entra`). The source gives the path, the JSON schemas and what a request means; this
 * file gives the HTTP: the `events` scope (the key as a header, or `?key=` for a vendor that sends
 * none), "not configured" without the source's `events.<source>` settings and shared secret,
 * refusals as error codes, metrics, and queueing. Accepted events are committed to the queue before
 * the 2xx reply; the refresh itself runs after, so the reply comes in milliseconds (Okta and
 * Graph want it within 3 s).
 */
import type { FastifyInstance } from 'fastify';
import { SOURCES } from '../../../../ingest/sources.js';
import type { SourceWebhook, WebhookOutcome } from '../../../model/sourceEvents.js';
import { HttpError } from '../../httpError.js';
import { API_ERR } from '../../errorCatalogue.js';
import { resolveSecret } from '../../config.js';
import { eventSettings } from '../../events/sourceEvents.js';
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

const REFUSAL = { secret: API_ERR.HOOK_SECRET, 'client-state': API_ERR.CLIENT_STATE, invalid: API_ERR.VALIDATION } as const;

export default async function eventRoutes(fastify: FastifyInstance): Promise<void> {
  for (const def of SOURCES.all()) {
    const webhook = (await def.capabilities?.events?.())?.webhook;
    if (webhook) register(fastify, def.kind, webhook);
  }
}

function register(fastify: FastifyInstance, source: string, hook: SourceWebhook): void {
  const { config, queue, metrics, env } = fastify.revenant;
  const settings = eventSettings(config, source);
  const ref = settings?.[hook.secretField];
  // Resolved once, at start (a reference that does not resolve stops the server, as every secret does).
  const secret = typeof ref === 'string' ? resolveSecret(ref, `events.${source}.${hook.secretField}`, env) : null;
  for (const ep of hook.endpoints) {
    fastify.route({
      method: ep.method,
      url: `/v1/events/${hook.path}`,
      config: { scope: 'events', ...(ep.queryKey ? { queryKey: true } : {}) },
      schema: {
        tags: ['events'],
        summary: ep.summary,
        security,
        querystring: { type: 'object', additionalProperties: false, properties: ep.querystring ?? {} },
        ...(ep.headers ? { headers: ep.headers } : {}),
        ...(ep.body ? { body: ep.body } : ep.content ? { body: { content: ep.content } } : {}),
        response: { ...ep.responses, ...(ep.acceptedStatus ? { [ep.acceptedStatus]: acceptedSchema } : {}), ...V1_ERRORS, ...errorResponses(404, ...(ep.method === 'POST' ? [413, 415] : [])) },
      },
      handler: async (req, reply) => {
        if (!settings || secret === null) throw new HttpError(API_ERR.NOT_CONFIGURED, `${hook.title} are not configured on this server (events.${source})`);
        const out = ep.handle({ headers: req.headers, query: req.query as Record<string, unknown>, body: req.body }, { settings, secret });
        const { forged, rejected } = refusedCounts(out);
        if (forged) {
          metrics.authFailures.inc({ reason: ep.forgedReason }, forged);
          metrics.eventsReceived.inc({ source, result: 'forged' }, forged);
          if (out.kind === 'items') req.log.warn({ forged }, `${source} events with a wrong shared secret refused`);
        }
        if (rejected) {
          metrics.eventsReceived.inc({ source, result: 'rejected' }, rejected);
          req.log.warn({ rejected }, `unreadable ${source} events refused`);
        }
        if (out.kind === 'refused') throw new HttpError(REFUSAL[out.reason], out.message);
        if (out.kind === 'reply') {
          metrics.eventsReceived.inc({ source, result: out.result });
          if (out.contentType) reply.type(out.contentType);
          return reply.code(out.status).send(out.body);
        }
        const r = queue.accept(out.items);
        metrics.eventsReceived.inc({ source, result: 'accepted' }, r.accepted);
        if (r.duplicates) metrics.eventsReceived.inc({ source, result: 'duplicate' }, r.duplicates);
        req.log.info({ accepted: r.accepted, duplicates: r.duplicates, queued: r.queued, ...out.counts }, `${source} events accepted`);
        return reply.code(out.status).send({ ...r, ...out.counts });
      },
    });
  }
}

/** Requests (or notifications of a delivery) refused as forged — a request without the secret is one — and as unreadable. */
function refusedCounts(out: WebhookOutcome): { forged: number; rejected: number } {
  if (out.kind === 'reply') return { forged: 0, rejected: 0 };
  const forged = out.forged ?? (out.kind === 'refused' && out.reason === 'secret' ? 1 : 0);
  return { forged, rejected: out.rejected ?? 0 };
}
