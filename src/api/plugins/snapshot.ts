/**
 * One snapshot per request. A route with `config.snapshot` takes a reference to the current
 * snapshot view before its handler runs and gives it back when the response is sent (or the
 * client goes away): the handler sees one immutable snapshot from start to end, however many
 * swaps happen meanwhile, and a retired snapshot's database stays open until its last reader
 * is done. With no snapshot loaded yet, such routes answer 503.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../httpError.js';
import { ERR } from '../../model/errors.js';
import '../types.js';

const HELD = Symbol('revenant.view');

function release(req: FastifyRequest): void {
  const r = req as FastifyRequest & { [HELD]?: boolean };
  if (r[HELD] && req.view) {
    r[HELD] = false;
    req.view.release();
  }
}

async function snapshot(fastify: FastifyInstance): Promise<void> {
  const { snapshots } = fastify.revenant;
  fastify.decorateRequest('view', null);
  fastify.addHook('preHandler', async (req) => {
    if (!req.routeOptions.config?.snapshot) return;
    const v = snapshots.acquire();
    if (!v) throw new HttpError(ERR.NO_SNAPSHOT, 'no snapshot loaded yet: run `revenant load <collection>`', { 'retry-after': '5' });
    req.view = v;
    (req as FastifyRequest & { [HELD]?: boolean })[HELD] = true;
  });
  fastify.addHook('onResponse', async (req) => release(req));
  fastify.addHook('onRequestAbort', async (req) => release(req));
}

export default fp(snapshot, { name: 'revenant-snapshot', fastify: '5.x', dependencies: ['revenant-services'] });
