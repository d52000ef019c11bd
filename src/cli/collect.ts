/**
 * `revenant collect entra|okta|hr`: reads a tenant, an org or an HR roster into a collection folder
 * (one folder per source). Progress: on a terminal one live line per dataset (items, rate, ETA
 * where the number of parents is known); otherwise one JSON line per finished dataset on stderr.
 * Ctrl-C stops the collection and leaves a valid folder whose manifest says what is incomplete
 * (exit 130); `--resume` continues it without reading completed datasets again. The collectors
 * are imported only when a collect command runs. Nothing here prints a token, secret or key.
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ENTRA_DATASETS } from '../../ingest/entra/datasets.js';
import { OKTA_DATASETS } from '../../ingest/okta/datasets.js';
import { AZURE_DATASETS } from '../../ingest/azure/AzureContext.js';
import { GITHUB_DATASETS } from '../../ingest/github/GitHubContext.js';
import { InputError } from '../model/errors.js';
import { ExitWith } from './exit.js';

type Event =
  | { type: 'start'; source: string; dataset: string }
  | { type: 'progress'; source: string; dataset: string; lines: number; requests: number; done?: number; total?: number }
  | { type: 'finish'; source: string; dataset: string; status: string; count: number; reason?: string; requests: number; objects: number; seconds: number; resumed?: boolean };

interface CommonCliOptions {
  out?: string;
  subject?: string;
  since?: string;
  until?: string;
  resume?: boolean;
  force?: boolean;
  skip?: string[];
  concurrency?: string;
  parallel?: string;
  maxAttempts?: string;
  timeout?: string;
  retryBaseMs?: string;
  progress?: boolean;
}

interface EntraCliOptions extends CommonCliOptions {
  tenant: string;
  graphUrl?: string;
  authorityHost?: string;
  auth?: string;
  clientId?: string;
  certificate?: string;
}

interface OktaCliOptions extends CommonCliOptions {
  orgUrl: string;
  auth?: string;
  clientId?: string;
  privateKey?: string;
  keyId?: string;
  scopes?: string;
  include?: string[];
}

interface GitHubCliOptions extends CommonCliOptions {
  org: string;
  enterprise?: string;
  emu?: boolean;
  repo?: string[];
  allRepos?: boolean;
  samlEnforcement?: string;
  apiUrl?: string;
  auth?: string;
  appId?: string;
  privateKey?: string;
  installationId?: string;
}

const SIGINT_EXIT = 130;

/** The content of a key file named on the command line (never echoed). */
function readSecretFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`${what} ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { file: path });
  }
}

function positiveInt(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`collect: ${name} must be a positive integer (got ${JSON.stringify(v)})`);
  return n;
}

/** `--since 2026-08-01`, `--since 30d` (days before now). */
function parseWhen(v: string | undefined, name: string, now = new Date()): string | undefined {
  if (v === undefined) return undefined;
  const days = /^(\d+)d$/.exec(v.trim());
  if (days) return new Date(now.getTime() - Number(days[1]) * 86_400_000).toISOString();
  const t = Date.parse(v);
  if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}/.test(v.trim())) throw new InputError(`collect: ${name} must be an ISO-8601 date or Nd (got ${JSON.stringify(v)})`);
  return new Date(t).toISOString();
}

function addCommon(cmd: Command, datasets: readonly string[]): Command {
  return cmd
    .option('--out <dir>', 'collection folder (default ./collection-<today>)')
    .option('--subject <account>', 'read only what the rules need about one account (UPN, login, mail or id) and its correlated accounts')
    .option('--since <date>', 'start of the audit / System Log window (ISO-8601 date or Nd)')
    .option('--until <date>', 'end of the audit / System Log window (default now)')
    .option('--resume', 'continue an interrupted collection in --out without re-reading completed datasets')
    .option('--force', 'replace an existing collection of this source in --out')
    .option('--skip <dataset...>', `datasets not to collect (recorded as missing): ${datasets.join(', ')}`)
    .option('--concurrency <n>', 'HTTP requests in flight at once (default 8)')
    .option('--parallel <n>', 'datasets collected at once')
    .option('--max-attempts <n>', 'attempts per request before a dataset is marked partial (default 6)')
    .option('--timeout <seconds>', 'time allowed for one request attempt (default 60)')
    .addOption(new Option('--retry-base-ms <ms>', 'first backoff step (tests)').hideHelp())
    .option('--no-progress', 'no live progress on a terminal (JSON lines on stderr instead)');
}

function retryOf(o: CommonCliOptions) {
  const timeout = o.timeout === undefined ? undefined : Number(o.timeout);
  if (timeout !== undefined && !(timeout > 0)) throw new InputError(`collect: --timeout must be a number of seconds (got ${JSON.stringify(o.timeout)})`);
  return {
    maxAttempts: positiveInt(o.maxAttempts, '--max-attempts'),
    timeoutMs: timeout === undefined ? undefined : timeout * 1000,
    baseDelayMs: positiveInt(o.retryBaseMs, '--retry-base-ms'),
  };
}

function checkDatasets(list: string[] | undefined, known: readonly string[], flag: string): string[] | undefined {
  for (const d of list ?? []) {
    if (!known.includes(d)) throw new InputError(`collect: ${flag} ${d}: not a dataset of this source (${known.join(', ')})`);
  }
  return list;
}

export function registerCollect(program: Command): void {
  const collect = program.command('collect').description('read a tenant, an org or an HR roster into a collection folder (one folder per source)');

  addCommon(
    collect
      .command('entra')
      .description('read a Microsoft Entra tenant through Microsoft Graph into <out>/entra')
      .requiredOption('--tenant <tenant>', 'tenant id or domain')
      .option('--graph-url <url>', 'Microsoft Graph service root', 'https://graph.microsoft.com')
      .option('--authority-host <url>', 'Entra authority (national clouds), e.g. https://login.microsoftonline.us')
      .option('--auth <mode>', 'token (REVENANT_GRAPH_TOKEN) | env (AZURE_* variables) | certificate | managed-identity | default (credential chain)')
      .option('--client-id <id>', 'application (client) id for --auth certificate or a user-assigned managed identity')
      .option('--certificate <file>', 'PEM file holding the certificate and its private key (--auth certificate)'),
    ENTRA_DATASETS,
  ).action(async (o: EntraCliOptions) => {
    const [{ collectEntra, collectEntraSubject }, { defaultCollectionDir }, { GRAPH_AUTH_MODES }] = await Promise.all([
      import('../../ingest/entra/index.js'),
      import('../../ingest/collection/sourceFolder.js'),
      import('../../ingest/entra/GraphTokenProvider.js'),
    ]);
    const token = process.env.REVENANT_GRAPH_TOKEN;
    const auth = o.auth ?? (token ? 'token' : 'default');
    if (!GRAPH_AUTH_MODES.includes(auth as never)) throw new InputError(`collect entra: --auth must be one of ${GRAPH_AUTH_MODES.join(', ')} (got ${auth})`);
    const common = {
      tenant: o.tenant,
      out: o.out ?? defaultOut(defaultCollectionDir(), o.subject),
      graphUrl: o.graphUrl,
      authorityHost: o.authorityHost,
      mode: auth as never,
      token: auth === 'token' ? token : undefined,
      clientId: o.clientId,
      certificatePath: o.certificate,
      since: parseWhen(o.since, '--since'),
      until: parseWhen(o.until, '--until'),
      resume: o.resume,
      force: o.force,
      skip: checkDatasets(o.skip, ENTRA_DATASETS, '--skip'),
      concurrency: positiveInt(o.concurrency, '--concurrency'),
      parallelDatasets: positiveInt(o.parallel, '--parallel'),
      retry: retryOf(o),
    };
    await runCollector('entra', o, (signal, onEvent) =>
      o.subject ? collectEntraSubject({ ...common, subject: o.subject, signal, onEvent }) : collectEntra({ ...common, signal, onEvent }),
    );
  });

  addCommon(
    collect
      .command('okta')
      .description('read an Okta org through the Okta Management API into <out>/okta')
      .requiredOption('--org-url <url>', 'the org, e.g. https://example.okta.com')
      .option('--auth <mode>', 'token (OKTA_CLIENT_TOKEN, an API token) | private-key (OAuth 2.0 client credentials with a private key JWT)')
      .option('--client-id <id>', 'OAuth service app client id (default OKTA_CLIENT_CLIENTID)')
      .option('--private-key <file>', 'PEM or JWK file of the service app private key (default OKTA_CLIENT_PRIVATEKEY, the key itself)')
      .option('--key-id <kid>', 'key id of the private key (default OKTA_CLIENT_KEYID)')
      .option('--scopes <list>', 'scopes to request, space separated (default: the read scopes in docs/collectors.md)')
      .option('--include <dataset...>', 'opt-in datasets to collect: userGrants'),
    OKTA_DATASETS,
  ).action(async (o: OktaCliOptions) => {
    const [{ collectOkta, collectOktaSubject, OPT_IN }, { defaultCollectionDir }] = await Promise.all([
      import('../../ingest/okta/index.js'),
      import('../../ingest/collection/sourceFolder.js'),
    ]);
    for (const d of o.include ?? []) if (!(d in OPT_IN)) throw new InputError(`collect okta: --include ${d}: only ${Object.keys(OPT_IN).join(', ')} can be included`);
    let privateKey = process.env.OKTA_CLIENT_PRIVATEKEY;
    if (o.privateKey) {
      try {
        privateKey = readFileSync(o.privateKey, 'utf8');
      } catch (e) {
        throw new InputError(`collect okta: --private-key ${o.privateKey}: cannot read (${String((e as NodeJS.ErrnoException).code ?? e)})`, { file: o.privateKey });
      }
    }
    const auth = o.auth ?? (privateKey ? 'private-key' : 'token');
    if (auth !== 'token' && auth !== 'private-key') throw new InputError(`collect okta: --auth must be token or private-key (got ${auth})`);
    const authMode: 'token' | 'private-key' = auth;
    const common = {
      orgUrl: o.orgUrl,
      out: o.out ?? defaultOut(defaultCollectionDir(), o.subject),
      auth: authMode,
      token: process.env.OKTA_CLIENT_TOKEN,
      clientId: o.clientId ?? process.env.OKTA_CLIENT_CLIENTID,
      privateKey: auth === 'private-key' ? privateKey : undefined,
      keyId: o.keyId ?? process.env.OKTA_CLIENT_KEYID,
      scopes: o.scopes?.split(/[\s,]+/).filter(Boolean),
      since: parseWhen(o.since, '--since'),
      until: parseWhen(o.until, '--until'),
      resume: o.resume,
      force: o.force,
      skip: checkDatasets(o.skip, OKTA_DATASETS, '--skip'),
      include: o.include,
      concurrency: positiveInt(o.concurrency, '--concurrency'),
      parallelDatasets: positiveInt(o.parallel, '--parallel'),
      retry: retryOf(o),
    };
    await runCollector('okta', o, (signal, onEvent) =>
      o.subject ? collectOktaSubject({ ...common, subject: o.subject, signal, onEvent }) : collectOkta({ ...common, signal, onEvent }),
    );
  });

  addCommon(
    collect
      .command('github')
      .description('read a GitHub organisation through the GitHub REST and GraphQL APIs (Octokit) into <out>/github')
      .requiredOption('--org <login>', 'the organisation login')
      .option('--enterprise <slug>', 'the enterprise slug (enterprise SAML provider, SAML enforcement, EMU)')
      .option('--emu', 'the enterprise uses Enterprise Managed Users (SCIM at the enterprise; needs --enterprise)')
      .option('--repo <repo...>', 'repositories to read collaborators and deploy keys of, beside those named by federated credentials in the collection (OWNER/REPO, REPO or id)')
      .option('--all-repos', 'read collaborators and deploy keys of every repository')
      .option('--saml-enforcement <state>', 'enforced | configured | none: the organisation\'s SAML SSO state, where no API says it')
      .option('--api-url <url>', 'REST root (GitHub Enterprise Server: https://HOST/api/v3)', 'https://api.github.com')
      .option('--auth <mode>', 'token (REVENANT_GITHUB_TOKEN or GITHUB_TOKEN) | app (a GitHub App installation)')
      .option('--app-id <id>', 'GitHub App id (default GITHUB_APP_ID)')
      .option('--private-key <file>', 'the GitHub App private key, PEM (default GITHUB_APP_PRIVATE_KEY, the key itself)')
      .option('--installation-id <id>', 'the App installation on the organisation (default GITHUB_APP_INSTALLATION_ID)'),
    GITHUB_DATASETS,
  ).action(async (o: GitHubCliOptions) => {
    const [{ collectGitHub }, { defaultCollectionDir }] = await Promise.all([
      import('../../ingest/github/index.js'),
      import('../../ingest/collection/sourceFolder.js'),
    ]);
    let privateKey = process.env.GITHUB_APP_PRIVATE_KEY;
    if (o.privateKey) privateKey = readSecretFile(o.privateKey, 'collect github: --private-key');
    const auth = o.auth ?? (privateKey && !(process.env.REVENANT_GITHUB_TOKEN ?? process.env.GITHUB_TOKEN) ? 'app' : 'token');
    if (auth !== 'token' && auth !== 'app') throw new InputError(`collect github: --auth must be token or app (got ${auth})`);
    const authMode: 'token' | 'app' = auth;
    const enforcement = o.samlEnforcement;
    if (enforcement !== undefined && !['enforced', 'configured', 'none'].includes(enforcement)) {
      throw new InputError(`collect github: --saml-enforcement must be enforced, configured or none (got ${JSON.stringify(enforcement)})`);
    }
    if (o.emu && !o.enterprise) throw new InputError('collect github: --emu needs --enterprise (EMU identities live at the enterprise)');
    const common = {
      org: o.org,
      enterprise: o.enterprise,
      emu: o.emu,
      repos: o.repo,
      allRepos: o.allRepos,
      samlEnforcement: enforcement as 'enforced' | 'configured' | 'none' | undefined,
      subject: o.subject,
      out: o.out ?? defaultOut(defaultCollectionDir(), o.subject),
      apiUrl: o.apiUrl,
      auth: authMode,
      token: auth === 'token' ? (process.env.REVENANT_GITHUB_TOKEN ?? process.env.GITHUB_TOKEN) : undefined,
      appId: o.appId ?? process.env.GITHUB_APP_ID,
      privateKey: auth === 'app' ? privateKey : undefined,
      installationId: o.installationId ?? process.env.GITHUB_APP_INSTALLATION_ID,
      since: parseWhen(o.since, '--since'),
      until: parseWhen(o.until, '--until'),
      resume: o.resume,
      force: o.force,
      skip: checkDatasets(o.skip, GITHUB_DATASETS, '--skip'),
      concurrency: positiveInt(o.concurrency, '--concurrency'),
      parallelDatasets: positiveInt(o.parallel, '--parallel'),
      retry: retryOf(o),
    };
    await runCollector('github', o, (signal, onEvent) => collectGitHub({ ...common, signal, onEvent }));
  });

  addCommon(
    collect
      .command('azure')
      .description('read the Azure resource plane of an Entra tenant (management groups, subscriptions, RBAC, PIM, managed identities) through the Azure management SDKs into <out>/azure')
      .requiredOption('--tenant <tenant>', 'the Entra tenant id (also the tenant root management group)')
      .option('--arm-url <url>', 'Azure Resource Manager endpoint', 'https://management.azure.com')
      .option('--authority-host <url>', 'Entra authority (national clouds), e.g. https://login.microsoftonline.us')
      .option('--auth <mode>', 'token (REVENANT_AZURE_TOKEN) | env (AZURE_* variables) | certificate | managed-identity | default (credential chain)')
      .option('--client-id <id>', 'application (client) id for --auth certificate or a user-assigned managed identity')
      .option('--certificate <file>', 'PEM file holding the certificate and its private key (--auth certificate)'),
    AZURE_DATASETS,
  ).action(async (o: EntraCliOptions & { armUrl?: string }) => {
    const [{ collectAzure }, { defaultCollectionDir }, { GRAPH_AUTH_MODES }] = await Promise.all([
      import('../../ingest/azure/index.js'),
      import('../../ingest/collection/sourceFolder.js'),
      import('../../ingest/entra/GraphTokenProvider.js'),
    ]);
    const token = process.env.REVENANT_AZURE_TOKEN;
    const auth = o.auth ?? (token ? 'token' : 'default');
    if (!GRAPH_AUTH_MODES.includes(auth as never)) throw new InputError(`collect azure: --auth must be one of ${GRAPH_AUTH_MODES.join(', ')} (got ${auth})`);
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(o.tenant)) {
      throw new InputError(`collect azure: --tenant must be the tenant id (a GUID: it names the tenant root management group), got ${JSON.stringify(o.tenant)}`);
    }
    const common = {
      tenant: o.tenant,
      out: o.out ?? defaultOut(defaultCollectionDir(), o.subject),
      armUrl: o.armUrl,
      authorityHost: o.authorityHost,
      mode: auth as never,
      token: auth === 'token' ? token : undefined,
      clientId: o.clientId,
      certificatePath: o.certificate,
      subject: o.subject,
      resume: o.resume,
      force: o.force,
      skip: checkDatasets(o.skip, AZURE_DATASETS, '--skip'),
      concurrency: positiveInt(o.concurrency, '--concurrency'),
      parallelDatasets: positiveInt(o.parallel, '--parallel'),
      retry: retryOf(o),
    };
    if (o.subject && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(o.subject)) {
      throw new InputError(`collect azure: --subject must be an Entra object id (got ${JSON.stringify(o.subject)})`);
    }
    await runCollector('azure', o, (signal, onEvent) => collectAzure({ ...common, signal, onEvent }));
  });

  collect
    .command('hr')
    .description('import an HR roster CSV (employeeId,email,displayName,status,terminationDate) into <out>/hr')
    .requiredOption('--csv <file>', 'the roster')
    .option('--out <dir>', 'collection folder (default ./collection-<today>)')
    .option('--system <name>', 'name of the HR system, recorded as the source tenant', 'hr')
    .option('--force', 'replace an existing <out>/hr')
    .action(async (o: { csv: string; out?: string; system: string; force?: boolean }) => {
      const [{ importRoster }, { defaultCollectionDir }] = await Promise.all([import('../../ingest/hr/importRoster.js'), import('../../ingest/collection/sourceFolder.js')]);
      const { dir, count } = await importRoster({ csv: o.csv, out: o.out ?? defaultCollectionDir(), system: o.system, force: o.force });
      process.stderr.write(`revenant: imported ${count} people into ${dir}\n`);
      process.stdout.write(`${dir}\n`);
    });
}

/** A subject collection never lands in the day's tenant collection by default. */
function defaultOut(dayDir: string, subject: string | undefined): string {
  if (!subject) return dayDir;
  return `${dayDir}-subject-${subject.replace(/[^A-Za-z0-9@._-]+/g, '_')}`;
}

interface RunResult {
  dir: string;
  manifest: { datasets: Record<string, { status: string; count?: number; reason?: string }> };
}

/** Run a collector with Ctrl-C handling, progress and a summary. */
async function runCollector(
  source: string,
  o: CommonCliOptions,
  run: (signal: AbortSignal, onEvent: (e: Event) => void) => Promise<RunResult>,
): Promise<void> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(SIGINT_EXIT);
    process.stderr.write('\nrevenant: interrupted; closing the datasets and writing the manifest (Ctrl-C again to quit at once)\n');
    controller.abort(new Error('interrupted (SIGINT)'));
  };
  process.on('SIGINT', onSigint);
  const progress = await Progress.create(source, o.progress !== false && !!process.stderr.isTTY);
  let result: RunResult;
  try {
    result = await run(controller.signal, (e) => progress.on(e));
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
  }
  const entries = Object.entries(result.manifest.datasets);
  const by = (s: string) => entries.filter(([, l]) => l.status === s);
  const incomplete = [...by('partial'), ...by('missing')];
  const lines = [`revenant: ${source} collection in ${result.dir}: ${by('complete').length} complete, ${by('partial').length} partial, ${by('missing').length} missing`];
  for (const [name, l] of incomplete) lines.push(`  ${l.status} ${name}${l.reason ? `: ${l.reason}` : ''}`);
  process.stderr.write(`${lines.join('\n')}\n`);
  process.stdout.write(`${result.dir}\n`);
  if (controller.signal.aborted) throw new ExitWith(SIGINT_EXIT);
}

interface BarState {
  bar: { update(v: number, payload?: object): void; setTotal(t: number): void };
  started: number;
  lines: number;
  requests: number;
  done?: number;
  total?: number;
}

/** Live bars on a terminal; JSON lines otherwise. */
class Progress {
  private bars = new Map<string, BarState>();

  private constructor(
    private readonly source: string,
    private readonly multibar: {
      create(total: number, start: number, payload?: object): BarState['bar'];
      remove(bar: BarState['bar']): boolean;
      log(s: string): void;
      stop(): void;
    } | null,
  ) {}

  static async create(source: string, tty: boolean): Promise<Progress> {
    if (!tty) return new Progress(source, null);
    const { default: cliProgress } = await import('cli-progress');
    const multibar = new cliProgress.MultiBar({
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
      fps: 5,
      format: (_opts: unknown, params: { value: number; total: number }, payload: Record<string, unknown>) => Progress.format(params, payload),
    });
    return new Progress(source, multibar);
  }

  private static format(params: { value: number; total: number }, p: Record<string, unknown>): string {
    const secs = Math.max(0.001, (Date.now() - Number(p.started)) / 1000);
    const lines = Number(p.lines ?? 0);
    const rate = Math.round(lines / secs);
    const name = `${String(p.source)} ${String(p.dataset).padEnd(28)}`;
    const tail = `${lines.toLocaleString('en-US')} items  ${rate.toLocaleString('en-US')}/s  ${String(p.requests)} requests`;
    if (params.total > 0 && p.done !== undefined) {
      const frac = Math.min(1, params.value / params.total);
      const width = 20;
      const filled = Math.round(frac * width);
      const eta = params.value > 0 ? Math.round((secs / params.value) * (params.total - params.value)) : undefined;
      return `${name} [${'='.repeat(filled)}${' '.repeat(width - filled)}] ${params.value}/${params.total}  ETA ${eta === undefined ? '?' : `${eta}s`}  ${tail}`;
    }
    return `${name} ${tail}  ${Math.round(secs)}s`;
  }

  on(e: Event): void {
    if (!this.multibar) {
      if (e.type === 'finish') {
        const { type: _t, ...rest } = e;
        process.stderr.write(`${JSON.stringify({ event: 'dataset', ...rest, seconds: Math.round(e.seconds * 1000) / 1000 })}\n`);
      }
      return;
    }
    if (e.type === 'start') {
      const bar = this.multibar.create(0, 0, { source: this.source, dataset: e.dataset, lines: 0, requests: 0, started: Date.now() });
      this.bars.set(e.dataset, { bar, started: Date.now(), lines: 0, requests: 0 });
      return;
    }
    const s = this.bars.get(e.dataset);
    if (e.type === 'progress' && s) {
      s.lines = e.lines;
      s.requests = e.requests;
      if (e.total !== undefined && e.total !== s.total) {
        s.total = e.total;
        s.bar.setTotal(e.total);
      }
      s.done = e.done;
      s.bar.update(e.done ?? 0, { lines: e.lines, requests: e.requests, done: e.done });
      return;
    }
    if (e.type === 'finish') {
      if (s) this.multibar.remove(s.bar);
      this.bars.delete(e.dataset);
      const mark = e.status === 'complete' ? 'ok' : e.status;
      const extra = e.resumed ? ' (complete in the earlier run)' : e.reason ? `: ${e.reason}` : '';
      this.multibar.log(`${this.source} ${e.dataset.padEnd(28)} ${mark.padEnd(8)} ${e.count.toLocaleString('en-US')} lines  ${e.requests} requests  ${e.seconds.toFixed(1)}s${extra}\n`);
    }
  }

  stop(): void {
    this.multibar?.stop();
  }
}
