/**
 * Test helpers for remediation: a scenario served by the Graph and Okta fakes (with its missing
 * and partial datasets as faults, and the tenants' clocks at the scenario's `at`), a store with the
 * scenario loaded, and the CLI run against both the way an operator runs it — `remediate`,
 * `verify` — with the connection options and credentials of the fakes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphFake } from '../fakes/GraphFake.js';
import { OktaFake } from '../fakes/OktaFake.js';
import { type Scenario, applyEntraLedger, applyOktaLedger, loadScenario } from '../fakes/scenarioTenants.js';
import { type CliResult, ROOT, type RunOptions, SCENARIOS, runCli, runNode, tempDir } from '../collect/helpers.js';
import { testCa } from '../fakes/testCa.js';
import { BIN } from '../support/cli.js';

export { ensureBuilt } from '../collect/helpers.js';
export { SCENARIOS, runCli, tempDir };

type Raw = Record<string, unknown>;

export const OKTA_TOKEN = '00remediation-test-token';

export interface LiveScenario {
  /** Graph service root and Okta org URL of the fakes. */
  urls: { graphUrl?: string; orgUrl?: string };
  s: Scenario;
  graph?: GraphFake;
  okta?: OktaFake;
  store: string;
  /** The fakes' connection options and `--store`, `--force` (the scenario's data is older than a day). */
  args: string[];
  env: Record<string, string>;
  /** Run the CLI with the fakes' options appended. */
  run(args: string[], opts?: RunOptions): Promise<CliResult>;
  /** Write requests every fake received so far. */
  writes(): number;
  stop(): Promise<void>;
}

/** Start fakes for a scenario, load it into a fresh store. */
export async function liveScenario(name: string): Promise<LiveScenario> {
  const s = loadScenario(join(SCENARIOS, name));
  const at = Date.parse(String(s.expected.at));
  const env: Record<string, string> = {};
  const conn: string[] = [];
  let graph: GraphFake | undefined;
  let okta: OktaFake | undefined;
  if (s.entra) {
    graph = new GraphFake(s.entra.data);
    applyEntraLedger(graph, s.entra.manifest, s.entra.lines);
    graph.now = () => at;
    await graph.start();
    env.REVENANT_GRAPH_TOKEN = graph.issueToken(24 * 3600);
    conn.push('--graph-url', graph.url);
  }
  if (s.okta) {
    okta = new OktaFake(s.okta.data);
    applyOktaLedger(okta, s.okta.manifest);
    okta.apiTokens.add(OKTA_TOKEN);
    okta.dataNow = () => at;
    await okta.start();
    env.OKTA_CLIENT_TOKEN = OKTA_TOKEN;
    conn.push('--org-url', okta.url);
  }
  const store = tempDir('revenant-remediate-');
  // The collection as read from these tenants: the Okta org is the fake's URL (a subject read
  // again from another org could not be merged into it).
  const copy = tempDir('revenant-scenario-');
  cpSync(s.dir, copy, { recursive: true });
  if (okta) {
    const file = join(copy, 'okta', 'manifest.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), tenant: okta.url }, null, 2));
  }
  const dirs = ['entra', 'okta', 'hr'].filter((d) => (s as unknown as Raw)[d]).map((d) => join(copy, d));
  const loaded = await runCli(['load', ...dirs, '--store', store]);
  if (loaded.code !== 0) throw new Error(`load failed: ${loaded.stderr}`);
  const args = [...conn, '--store', store, '--retry-base-ms', '20'];
  return {
    urls: { graphUrl: graph?.url, orgUrl: okta?.url },
    s,
    graph,
    okta,
    store,
    args,
    env,
    run: (a, opts = {}) => runCli([...a, ...args], { ...opts, env: { ...env, ...(opts.env ?? {}) } }),
    writes: () => (graph?.writes.length ?? 0) + (okta?.writes.length ?? 0),
    async stop() {
      await graph?.stop();
      await okta?.stop();
    },
  };
}

/** The departed subjects of a scenario (every subject of a finding, and every closed or not-closed one). */
export function departedSubjects(s: Scenario): string[] {
  const e = s.expected as unknown as { findings: { subject: string }[]; closed?: string[]; notClosed?: string[] };
  return [...new Set([...e.findings.map((f) => f.subject), ...(e.closed ?? []), ...(e.notClosed ?? [])])].sort();
}

export interface LoopResult {
  subject: string;
  plan: import('../../src/remediate/Plan.js').Plan;
  applied: import('../../src/remediate/applyPlan.js').ApplyResult;
  verification: import('../../src/remediate/verifySubject.js').Verification;
  /** The plan made from the verified snapshot, and its apply. */
  plan2: import('../../src/remediate/Plan.js').Plan;
  applied2: import('../../src/remediate/applyPlan.js').ApplyResult;
}

/**
 * plan → apply (yes to all) → verify → plan again → apply again, for each subject in turn, in one
 * child process through the library (the CLI's own functions), at the scenario's time.
 */
export async function closeTheLoop(l: LiveScenario, subjects: string[], include: string[] = []): Promise<LoopResult[]> {
  const mod = (p: string) => JSON.stringify(join(ROOT, 'dist', p));
  const script = `
    const { Store } = await import(${mod('src/store/Store.js')});
    const { openGraph } = await import(${mod('src/store/openGraph.js')});
    const { buildPlan } = await import(${mod('src/remediate/buildPlan.js')});
    const { applyPlan } = await import(${mod('src/remediate/applyPlan.js')});
    const { verifySubject } = await import(${mod('src/remediate/verifySubject.js')});
    const { RemediationRuns } = await import(${mod('src/remediate/RemediationRuns.js')});
    const { connectionsFrom } = await import(${mod('src/cli/sourceConnections.js')});
    const STORE = ${JSON.stringify(l.store)};
    const AT = Date.parse(${JSON.stringify(String(l.s.expected.at))});
    const include = ${JSON.stringify(include)};
    const store = new Store(STORE);
    const runs = new RemediationRuns(store.dir);
    const plan = async (subject) => {
      const { graph, close } = await openGraph({ store: STORE });
      try { return buildPlan(graph, { subject, force: true, include, at: AT }); } finally { close(); }
    };
    for (const subject of ${JSON.stringify(subjects)}) {
      const p = await plan(subject);
      const tenants = {};
      for (const s of p.snapshot.sources) tenants[s.source] ??= s.tenant;
      const connections = connectionsFrom({ ...${JSON.stringify(l.urls)}, retryBaseMs: '20' }, tenants, process.env);
      const applied = await applyPlan({ plan: p, runs, connections });
      const v = await verifySubject({ store, subject, connections, plan: p, journal: runs.journal(p.id), at: AT, workDir: runs.dir(p.id) + '/verify' });
      runs.saveVerification(v.verification);
      const p2 = await plan(subject);
      const applied2 = await applyPlan({ plan: p2, runs, connections });
      console.log(JSON.stringify({ subject, plan: p, applied, verification: v.verification, plan2: p2, applied2 }));
    }
  `;
  const r = await runNode(script, 300_000, l.env);
  if (r.code !== 0) throw new Error(`closing the loop failed (${r.code}): ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((x) => x.startsWith('{"subject"'))
    .map((x) => JSON.parse(x) as LoopResult);
}

export interface Served {
  proc: ChildProcess;
  origin: string;
  /** The one-time console sign-in link. */
  link: string;
}

const served: ChildProcess[] = [];

/**
 * `revenant serve` on the scenario's store (trusting the fakes' CA), with remediation enabled
 * against the fakes or not; resolves once it prints where it serves and its sign-in link.
 */
export async function serveWithRemediation(l: LiveScenario, enabled: boolean): Promise<Served> {
  const remediation = enabled
    ? {
        enabled: true,
        maxAge: '3650d',
        ...(l.graph ? { entra: { tenant: l.s.entra!.manifest.tenant, mode: 'token', token: 'env:REVENANT_GRAPH_TOKEN', graphUrl: l.urls.graphUrl } } : {}),
        ...(l.okta ? { okta: { orgUrl: l.urls.orgUrl, auth: 'token', token: 'env:OKTA_CLIENT_TOKEN' } } : {}),
      }
    : // The scenarios' data is older than the default maxAge: plans are still made; applying is off.
      { enabled: false, maxAge: '3650d' };
  const cfg = join(tempDir('revenant-remediation-api-'), 'config.json');
  writeFileSync(cfg, JSON.stringify({ logLevel: 'warn', rateLimit: { perMinute: 100000, unauthenticatedPerMinute: 1000 }, remediation }));
  const proc = spawn(process.execPath, [BIN, 'serve', '--store', l.store, '--port', '0', '--config', cfg], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...l.env, NODE_EXTRA_CA_CERTS: testCa().caPath },
  });
  served.push(proc);
  let err = '';
  const found = await new Promise<{ origin: string; link: string }>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`revenant serve did not start: ${err}`)), 60_000);
    proc.stderr!.on('data', (d) => {
      err += String(d);
      const o = /serving .* on (http:\/\/\S+)/.exec(err);
      const k = /analyst console: open (\S+)/.exec(err);
      if (o && k) {
        clearTimeout(t);
        resolve({ origin: o[1], link: k[1] });
      }
    });
    proc.on('exit', (code) => reject(new Error(`revenant serve exited (${code}): ${err}`)));
  });
  proc.stdout!.resume();
  return { proc, ...found };
}

/** Stop every server `serveWithRemediation` started. */
export async function stopServed(): Promise<void> {
  for (const p of served) p.kill('SIGTERM');
  await Promise.all(served.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
  served.length = 0;
}
