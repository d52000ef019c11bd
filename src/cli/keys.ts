/**
 * `revenant keys create|list|revoke`: API keys of `revenant serve`, kept in the store folder
 * (`api.sqlite`, SHA-256 hashes only). `create` prints the key once on stdout — it cannot be
 * shown again — and its details on stderr; `list` shows prefixes, scopes, expiry and last use;
 * `revoke` takes the prefix (or the key) and applies to a running server at once.
 */
import type { Command } from 'commander';
import { InputError } from '../model/errors.js';
import { formatOf, writeOut } from './options.js';

const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

async function open(storeOpt?: string) {
  const [{ Store }, { openApiDb }, { KeyStore }] = await Promise.all([
    import('../store/Store.js'),
    import('../api/ApiDb.js'),
    import('../api/keys/KeyStore.js'),
  ]);
  const store = new Store(storeOpt);
  const db = openApiDb(store.dir);
  return { store, db, keys: new KeyStore(db) };
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('API keys of the HTTP API (create, list, revoke)');
  keys
    .command('create')
    .description('create an API key (printed once)')
    .requiredOption('--name <name>', 'what the key is for (e.g. "splunk-prod")')
    .option('--scope <scope>', 'read, what-if, events, metrics or admin (repeatable or comma-separated)', collect)
    .option('--expires <iso-8601>', 'expiry date or date-time (default: none)')
    .option('--rate-limit <n>', 'requests per minute for this key (default: the server setting)')
    .option('--store <path>', 'embedded store folder (default: $REVENANT_STORE or ./.revenant)')
    .action(async (o: { name: string; scope?: string[]; expires?: string; rateLimit?: string; store?: string }) => {
      if (!o.scope?.length) throw new InputError('keys create: give at least one --scope (read, what-if, events, metrics, admin)', { field: '--scope' });
      const rateLimit = o.rateLimit === undefined ? null : Number(o.rateLimit);
      const { db, keys: ks } = await open(o.store);
      try {
        const { key, info } = ks.create({ name: o.name, scopes: o.scope, expiresAt: o.expires ?? null, rateLimit });
        process.stderr.write(
          `created key ${info.prefix} "${info.name}" with scope ${info.scopes.join(', ')}` +
            `${info.expiresAt ? `, expires ${info.expiresAt}` : ''}${info.rateLimit ? `, ${info.rateLimit} requests/min` : ''}.\n` +
            'It is shown once, below; store it in your secret manager now.\n',
        );
        await writeOut(`${key}\n`);
      } finally {
        db.close();
      }
    });
  keys
    .command('list')
    .description('list API keys (prefixes only; keys are not stored)')
    .option('--format <format>', 'table or json')
    .option('--store <path>', 'embedded store folder (default: $REVENANT_STORE or ./.revenant)')
    .action(async (o: { format?: string; store?: string }) => {
      const { db, keys: ks } = await open(o.store);
      try {
        const list = ks.list();
        if (formatOf(o.format) === 'json') {
          await writeOut(`${JSON.stringify({ keys: list }, null, 2)}\n`);
          return;
        }
        if (list.length === 0) {
          await writeOut('no API keys (create one with `revenant keys create --name NAME --scope read`)\n');
          return;
        }
        const { table } = await import('./renderFindings.js');
        const state = (k: (typeof list)[number]) =>
          k.revokedAt ? `revoked ${k.revokedAt}` : k.expiresAt && Date.parse(k.expiresAt) <= Date.now() ? `expired ${k.expiresAt}` : 'active';
        await writeOut(
          `${table(
            ['PREFIX', 'NAME', 'SCOPES', 'STATE', 'EXPIRES', 'LAST USED', 'RATE/MIN'],
            list.map((k) => [k.prefix, k.name, k.scopes.join(','), state(k), k.expiresAt ?? '-', k.lastUsedAt ?? '-', k.rateLimit ? String(k.rateLimit) : 'default']),
            100,
          )}\n`,
        );
      } finally {
        db.close();
      }
    });
  keys
    .command('revoke')
    .description('revoke an API key (takes effect at once, also on a running server)')
    .argument('<prefix>', 'the key prefix shown by `keys list` (or the whole key)')
    .option('--store <path>', 'embedded store folder (default: $REVENANT_STORE or ./.revenant)')
    .action(async (prefix: string, o: { store?: string }) => {
      const { db, keys: ks } = await open(o.store);
      try {
        const info = ks.revoke(prefix.trim());
        if (!info) throw new InputError(`keys revoke: no key with prefix ${JSON.stringify(prefix.slice(0, 20))} (run \`revenant keys list\`)`);
        process.stderr.write(`revoked key ${info.prefix} "${info.name}" (${info.revokedAt})\n`);
      } finally {
        db.close();
      }
    });
}
