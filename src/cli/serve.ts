/**
 * `revenant serve`: the HTTP API for SIEMs and scripts and the analyst console (at `/`, signed in
 * through the one-time link printed on start), on the latest snapshot of the embedded
 * store or of Neo4j (`--neo4j`), swapped atomically when a new one appears. Settings come from `--config FILE` (JSON: limits,
 * event hooks, push sinks); `--host`, `--port` and `--log-level` override it. Runs until SIGTERM
 * or SIGINT, then shuts down gracefully. On Neo4j, the hot queries' plans are warmed in the
 * background when it starts (queries/warmPlans.ts).
 */
import type { Command } from 'commander';
import { InputError } from '../model/errors.js';

interface ServeCliOptions {
  neo4j?: string;
  neo4jDatabase?: string;
  host?: string;
  port?: string;
  store?: string;
  config?: string;
  logLevel?: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP API (findings on demand, identity events in, findings pushed out)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default 8080)')
    .option('--store <path>', 'embedded store folder (default: $REVENANT_STORE or ./.revenant); with Neo4j it keeps the API keys, event queue and refreshed snapshots')
    .option('--neo4j <uri>', 'serve the snapshots in Neo4j at this URI (bolt://, or neo4j:// / neo4j+s:// for a cluster or Aura; default: $NEO4J_URI unless --store is given; auth from $NEO4J_USER/$NEO4J_PASSWORD)')
    .option('--neo4j-database <name>', "the database on the Neo4j server (default: $NEO4J_DATABASE, else the server's default database)")
    .option('--config <file>', 'server configuration (JSON; default: $REVENANT_API_CONFIG, else built-in defaults)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
    .action(async (o: ServeCliOptions) => {
      const [{ loadConfig }, { startServer }, { Store }, { neo4jTarget }] = await Promise.all([
        import('../api/config.js'),
        import('../api/server.js'),
        import('../store/Store.js'),
        import('../store/neo4jTarget.js'),
      ]);
      const config = loadConfig(o.config ?? process.env.REVENANT_API_CONFIG);
      if (o.host) config.host = o.host;
      if (o.port !== undefined) {
        const p = Number(o.port);
        if (!Number.isInteger(p) || p < 0 || p > 65535) throw new InputError(`serve: --port must be 0 to 65535 (got ${JSON.stringify(o.port)})`, { field: '--port' });
        config.port = p;
      }
      if (o.logLevel) {
        const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
        if (!levels.includes(o.logLevel)) throw new InputError(`serve: --log-level must be one of ${levels.join(', ')}`, { field: '--log-level' });
        config.logLevel = o.logLevel as typeof config.logLevel;
      }
      const store = new Store(o.store);
      const target = neo4jTarget({ neo4j: o.neo4j, store: o.store, neo4jDatabase: o.neo4jDatabase });
      let source;
      let warm;
      if (target) {
        const [{ openNeo4jStore }, { Neo4jSource }, warmPlans] = await Promise.all([
          import('../store/neo4jOpen.js'),
          import('../api/snapshot/SnapshotSource.js'),
          import('../../queries/warmPlans.js'),
        ]);
        const { store: neo, driver } = await openNeo4jStore(target);
        source = new Neo4jSource(neo, driver);
        warm = warmPlans;
      }
      const running = await startServer({ store, config, source });
      const what = source ? `Neo4j at ${source.neo.uri}` : store.dir;
      process.stderr.write(`revenant: serving ${what} on ${running.address} (OpenAPI: ${running.address}/openapi.json)\n`);
      if (source && warm && !warm.warmingOff()) {
        // Neo4j may have just started (or been restarted): its plans are cold, and the first request
        // would pay seconds of planning. Warm them in the background (bounded; requests are served meanwhile).
        process.stderr.write('revenant: warming Neo4j query plans in the background\n');
        const { warmNeo4jPlans, warmMessage } = warm;
        void warmNeo4jPlans(source.neo).then((r) => process.stderr.write(`revenant: ${warmMessage(r)}\n`));
      }
      if (config.console.enabled) {
        // Like Jupyter: a one-time sign-in link on the terminal (never in the logs); keys with the read scope sign in at /login too.
        const token = running.fastify.sessions.issueLink();
        const base = running.address.replace('://0.0.0.0', '://127.0.0.1').replace('://[::]', '://[::1]');
        process.stderr.write(`revenant: analyst console: open ${base}/login?token=${token}\n`);
        process.stderr.write(`revenant: (the link signs in once; afterwards sign in at ${base}/login with an API key that has the read scope)\n`);
      }
      // Keep running until a signal closes the server (startServer handles SIGTERM/SIGINT).
      await new Promise<void>((resolve) => running.fastify.server.once('close', () => resolve()));
    });
}
