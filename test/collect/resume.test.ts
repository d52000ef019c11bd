/**
 * Ctrl-C and `--resume`: SIGINT in the middle of a collection leaves a valid collection (the
 * project's own reader accepts it, counts match) whose manifest says what is incomplete, exits
 * 130; `--resume` then finishes it without reading the completed datasets again, and the result
 * holds the whole tenant.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { datasetFiles, openCollection, readDataset } from '../../ingest/collection/openCollection.js';
import { GraphFake } from '../fakes/GraphFake.js';
import { OktaFake } from '../fakes/OktaFake.js';
import { syntheticGraphTenant, syntheticOktaOrg } from '../fakes/syntheticTenants.js';
import { ensureBuilt, readSource, runCli, tempDir } from './helpers.js';

const stops: (() => Promise<void>)[] = [];
beforeAll(() => ensureBuilt(), 300_000);
afterAll(async () => {
  for (const s of stops) await s();
});

/** Read every dataset with the project's collection reader (throws on any inconsistency). */
async function validate(dir: string): Promise<void> {
  const c = openCollection(dir);
  for (const src of c.sources) for (const df of datasetFiles(src)) for await (const _ of readDataset(df)) void _;
}

test('entra: Ctrl-C leaves a valid, honest collection; --resume finishes it without re-reading', async () => {
  const fake = new GraphFake(syntheticGraphTenant({ users: 3000, groupSize: 30 }));
  await fake.start();
  stops.push(() => fake.stop());
  fake.server.latencyMs = 25;
  const token = fake.issueToken();
  const out = tempDir();
  const args = ['collect', 'entra', '--tenant', fake.data.tenantId, '--graph-url', fake.url, '--out', out, '--parallel', '1', '--concurrency', '2'];
  const first = await runCli(args, {
    env: { REVENANT_GRAPH_TOKEN: token },
    onSpawn: (child) => {
      const t = setInterval(() => {
        // Interrupt once the per-group member lists are under way.
        if (fake.server.log.filter((l) => /\/members/.test(l.path)).length >= 60) {
          clearInterval(t);
          child.kill('SIGINT');
        }
      }, 20);
      child.on('close', () => clearInterval(t));
    },
  });
  expect(first.code, first.stderr).toBe(130);
  expect(first.stderr).toMatch(/interrupted/);
  await validate(out);
  const m1 = readSource(join(out, 'entra')).manifest.datasets;
  expect(m1.groups.status).toBe('complete');
  expect(m1.groupMembers.status).toBe('partial');
  expect(m1.groupMembers.reason).toMatch(/interrupted/);
  const notStarted = Object.entries(m1).filter(([, l]) => l.status === 'missing');
  expect(notStarted.length).toBeGreaterThan(0);
  for (const [, l] of notStarted) expect(l.reason).toMatch(/interrupted/);
  const complete1 = Object.entries(m1).filter(([, l]) => l.status === 'complete').map(([d]) => d);

  const before = fake.server.log.length;
  const second = await runCli([...args, '--resume'], { env: { REVENANT_GRAPH_TOKEN: token } });
  expect(second.code, second.stderr).toBe(0);
  await validate(out);
  const src = readSource(join(out, 'entra'));
  for (const [d, l] of Object.entries(src.manifest.datasets)) expect(l.status, d).toBe('complete');
  // Completed datasets were not read again.
  const again = fake.server.log.slice(before);
  if (complete1.includes('groups')) expect(again.some((l) => l.path === '/v1.0/groups' && !l.inBatch)).toBe(false);
  if (complete1.includes('applications')) expect(again.some((l) => l.path === '/v1.0/applications' && !l.inBatch)).toBe(false);
  expect(src.lines.users.length).toBe(fake.data.users.length);
  expect(src.lines.groupMembers.length).toBe([...fake.data.groupMembers.values()].reduce((a, l) => a + l.length, 0));
  expect(src.manifest.datasets.groups.count).toBe(fake.data.groups.length);
}, 180_000);

test('okta: --resume refuses another org; without --resume an existing collection is not overwritten', async () => {
  const fake = new OktaFake(syntheticOktaOrg({ users: 200, apps: 3, oauthApps: 1 }));
  await fake.start();
  stops.push(() => fake.stop());
  fake.apiTokens.add('00tok');
  const out = tempDir();
  const base = ['collect', 'okta', '--out', out, '--since', '2026-01-01', '--until', '2026-11-01'];
  const ok = await runCli([...base, '--org-url', fake.url], { env: { OKTA_CLIENT_TOKEN: '00tok' } });
  expect(ok.code, ok.stderr).toBe(0);
  const again = await runCli([...base, '--org-url', fake.url], { env: { OKTA_CLIENT_TOKEN: '00tok' } });
  expect(again.code).toBe(2);
  expect(again.stderr).toMatch(/already holds a okta collection; pass --resume .* or --force/);
  const other = await runCli([...base, '--org-url', 'https://127.0.0.1:1', '--resume'], { env: { OKTA_CLIENT_TOKEN: '00tok' } });
  expect(other.code).toBe(2);
  expect(other.stderr).toMatch(/cannot resume: it holds tenant/);
  const resumed = await runCli([...base, '--org-url', fake.url, '--resume'], { env: { OKTA_CLIENT_TOKEN: '00tok' } });
  expect(resumed.code, resumed.stderr).toBe(0);
  await validate(out);
}, 120_000);
