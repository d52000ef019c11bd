/** Request counts and latencies by route for Prometheus (the route pattern, never the raw URL). */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import '../types.js';

async function httpMetrics(fastify: FastifyInstance): Promise<void> {
  const { metrics } = fastify.revenant;
  fastify.addHook('onResponse', async (req, reply) => {
    const labels = { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
  });
}

export default fp(httpMetrics, { name: 'revenant-http-metrics', fastify: '5.x', dependencies: ['revenant-services'] });
