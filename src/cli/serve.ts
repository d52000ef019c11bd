/**
 * `revenant serve`: the HTTP API for SIEMs and scripts, on the latest snapshot of the store
 * (swapped atomically when a new one appears). Settings come from `--config FILE` (JSON: limits,
 * event hooks, push sinks); `--host`, `--port` and `--log-level` override it. Runs until SIGTERM
 * or SIGINT, then shuts down gracefully.
 */
import type { Command } from 'commander';
import { InputError } from '../model/errors.js';

interface ServeCliOptions {
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
    .option('--store <path>', 'embedded store folder (default: $REVENANT_STORE or ./.revenant)')
    .option('--config <file>', 'server configuration (JSON; default: $REVENANT_API_CONFIG, else built-in defaults)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
    .action(async (o: ServeCliOptions) => {
      const [{ loadConfig }, { startServer }, { Store }] = await Promise.all([
        import('../api/config.js'),
        import('../api/server.js'),
        import('../store/Store.js'),
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
      const running = await startServer({ store, config });
      process.stderr.write(`revenant: serving ${store.dir} on ${running.address} (OpenAPI: ${running.address}/openapi.json)\n`);
      // Keep running until a signal closes the server (startServer handles SIGTERM/SIGINT).
      await new Promise<void>((resolve) => running.fastify.server.once('close', () => resolve()));
    });
}
