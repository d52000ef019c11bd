/**
 * `revenant watch --once`, as cron runs it where the identity providers cannot call in: it reads
 * the Okta System Log and the Entra directory audit log since its last poll (through the
 * collectors' clients, against the fakes), refreshes the users their events name as one delta
 * snapshot, pushes the changed findings to the sinks, and remembers where it stopped — polling
 * again finds nothing new and writes nothing.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/Store.js';
import { SnapshotDb } from '../../src/store/SnapshotDb.js';
import { readStoredFindings } from '../../src/store/storedFindings.js';
import { GraphFake } from '../fakes/GraphFake.js';
import { OktaFake } from '../fakes/OktaFake.js';
import { loadScenario } from '../fakes/scenarioTenants.js';
import { ensureBuilt, runCli } from '../collect/helpers.js';
import { cleanupTemps, cliLoad, scenario, tempDir } from './helpers.js';

type Raw = Record<string, unknown>;

const TENANT = 'f5cbb77e-0602-5c21-a40d-4b695150da4c';
const OKTA_TOKEN = '00ssws-revenant-watch-test';
const s = loadScenario(scenario('cross-source-hr'));
const graph = new GraphFake(structuredClone(s.entra!.data));
const okta = new OktaFake(structuredClone(s.okta!.data));
const pushed: Raw[] = [];
let hook: ReturnType<typeof createServer>;
let storeDir: string;
let cfgFile: string;
let graphToken: string;

beforeAll(async () => {
  ensureBuilt();
  await graph.start();
  await okta.start();
  okta.apiTokens.add(OKTA_TOKEN);
  graphToken = graph.issueToken(3 * 3600);
  hook = createServer((req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      pushed.push(JSON.parse(b) as Raw);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
  const col = tempDir();
  const e = await runCli(['collect', 'entra', '--tenant', TENANT, '--graph-url', graph.url, '--out', col], { env: { REVENANT_GRAPH_TOKEN: graphToken } });
  expect(e.code, e.stderr).toBe(0);
  const o = await runCli(['collect', 'okta', '--org-url', okta.url, '--out', col, '--since', '2025-01-01'], { env: { OKTA_CLIENT_TOKEN: OKTA_TOKEN } });
  expect(o.code, o.stderr).toBe(0);
  storeDir = tempDir();
  await cliLoad(storeDir, join(col, 'entra'), join(col, 'okta'));
  cfgFile = join(tempDir(), 'watch.json');
  writeFileSync(
    cfgFile,
    JSON.stringify({
      events: {
        pollMs: 50,
        watch: { intervalMinutes: 5, firstLookbackMinutes: 60 },
        okta: { collect: { orgUrl: okta.url, token: 'env:TEST_OKTA_TOKEN' } },
        entra: { collect: { tenant: TENANT, graphUrl: graph.url, mode: 'token', token: 'env:TEST_GRAPH_TOKEN' } },
      },
      sinks: [{ type: 'webhook', name: 'siem', url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`, secret: 'watch-secret-123' }],
    }),
  );
}, 240_000);

afterAll(async () => {
  await graph.stop();
  await okta.stop();
  hook?.close();
  cleanupTemps();
});

const watchOnce = () => runCli(['watch', '--once', '--config', cfgFile, '--store', storeDir, '--log-level', 'warn'], { env: { TEST_OKTA_TOKEN: OKTA_TOKEN, TEST_GRAPH_TOKEN: graphToken } });

const latestDoc = () => {
  const store = new Store(storeDir);
  const db = new SnapshotDb(store.pathOf(store.latestId()!));
  try {
    return { id: store.latestId()!, doc: readStoredFindings(db), delta: db.isDelta };
  } finally {
    db.close();
  }
};

describe('revenant watch', () => {
  it('polls both logs, refreshes the users they name as a delta snapshot, pushes, and resumes where it stopped', async () => {
    const before = latestDoc();
    // Okta: an active user is deactivated; Entra: an enabled user is disabled. Both services log it.
    const ou = okta.data.users.find((u) => u.status === 'ACTIVE')!;
    ou.status = 'DEPROVISIONED';
    ou.statusChanged = new Date().toISOString();
    okta.data.logs.push({ uuid: 'watch-ev-1', published: new Date().toISOString(), eventType: 'user.lifecycle.deactivate', actor: { id: 'admin', type: 'User' }, outcome: { result: 'SUCCESS' }, target: [{ id: ou.id, type: 'User' }] });
    const eu = graph.data.users.find((u) => u.accountEnabled !== false)!;
    eu.accountEnabled = false;
    graph.data.directoryAudits.push({
      id: 'watch-audit-1',
      activityDisplayName: 'Disable account',
      activityDateTime: new Date().toISOString(),
      result: 'success',
      initiatedBy: { user: { id: 'x', userPrincipalName: 'admin@x' } },
      targetResources: [{ id: eu.id, type: 'User', modifiedProperties: [] }],
    });
    const r = await watchOnce();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/okta 1 events, 1 refreshes/);
    expect(r.stderr).toMatch(/entra 1 events, 1 refreshes/);
    const after = latestDoc();
    expect(after.id).not.toBe(before.id);
    expect(after.delta).toBe(true);
    const departed = (id: unknown) => after.doc.subjects.find((x) => x.id === id)?.departed;
    expect(departed(ou.id)).toBe(true);
    expect(departed(eu.id)).toBe(true);
    // The sink heard of it.
    expect(pushed.length).toBeGreaterThan(0);
    // Nothing new: a second poll reads the overlap again, but an event already seen refreshes nothing, and no snapshot is written.
    const again = await watchOnce();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/okta \d+ events, 0 refreshes/);
    expect(again.stderr).toMatch(/entra \d+ events, 0 refreshes/);
    expect(latestDoc().id).toBe(after.id);
  }, 240_000);
});
