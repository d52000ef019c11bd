/**
 * The per-leaver attestation over two snapshots: the accounts, the timeline (disabled; each
 * finding found; the removed secret as removed; the membership that went out of sight when its
 * data became partial as out of sight, never removed), the final status, and the inputs with
 * their hashes; the sha256 file matches the written files; unknown subjects exit 2.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { run } from '../../src/cli/main.js';
import { writeEvidence, type WriteEvidenceResult } from '../../src/reports/writeEvidence.js';
import { ALICE, AT1, AT2, DEPLOY_SECRET, FINANCE_GROUP, NEW_SECRET, type TwoSnapshots, twoSnapshots } from './fixture.js';

let t: TwoSnapshots;
let res: WriteEvidenceResult;

beforeAll(async () => {
  t = await twoSnapshots();
  await t.loadSecond();
  res = await writeEvidence({ subject: 'alice@contoso.com', out: join(t.root, 'ev'), store: t.storeDir, pdf: 'never' });
}, 60_000);

afterAll(() => t?.cleanup());

describe('revenant evidence', () => {
  test('accounts, final status and inputs', () => {
    const a = res.attestation;
    expect(a.format).toBe('revenant-attestation/1');
    expect(a.person).toEqual({ id: 'emp:e1001', name: 'Alice' });
    expect(a.accounts.map((x) => x.id)).toEqual([ALICE]);
    expect(a.accounts[0]).toMatchObject({ departed: true, disabled: true, departedAt: '2026-10-15T09:00:00.000Z', departedAtFrom: 'Disable account audit event', closed: false });
    expect(a.final.closed).toBe(false);
    expect(a.snapshot).toBe(t.second);
    expect(a.inputs.map((i) => i.snapshot)).toEqual([t.first, t.second]);
    for (const i of a.inputs) {
      expect(i.files.length).toBeGreaterThan(10);
      for (const f of i.files) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  test('the timeline: disabled, found, removed, and out of sight (never removed) when coverage was lost', () => {
    const tl = res.attestation.timeline;
    const f = (via: string) => res.attestation.findings.find((x) => x.via.id === via)!;
    expect(tl[0]).toMatchObject({ kind: 'disabled', at: '2026-10-15T09:00:00.000Z' });
    const deploy = f(DEPLOY_SECRET);
    expect(deploy.firstSeen.at).toBe(AT1);
    expect(deploy.ended).toEqual({ snapshot: t.second, at: AT2, how: 'resolved' });
    expect(tl.some((e) => e.kind === 'finding-removed' && e.finding === deploy.id)).toBe(true);
    const membership = f(FINANCE_GROUP);
    expect(membership.ended?.how).toBe('out of sight: coverage lost');
    expect(tl.some((e) => e.kind === 'finding-out-of-sight' && e.finding === membership.id)).toBe(true);
    expect(tl.some((e) => e.kind === 'finding-removed' && e.finding === membership.id)).toBe(false);
    const fresh = f(NEW_SECRET);
    expect(fresh.firstSeen.snapshot).toBe(t.second);
    expect(fresh.status).toBe('live');
    expect(fresh.history.map((h) => h.status)).toEqual(['live']);
    expect(tl.filter((e) => e.kind === 'finding-found')).toHaveLength(9);
    // In time order.
    expect(tl.map((e) => e.at)).toEqual([...tl.map((e) => e.at)].sort());
  });

  test('JSON, HTML and a sha256 file that matches them', () => {
    const json = res.files.find((x) => x.endsWith('.json'))!;
    const htmlFile = res.files.find((x) => x.endsWith('.html'))!;
    const sums = res.files.find((x) => x.endsWith('.sha256'))!;
    expect(basename(json)).toBe('evidence-alice@contoso.com.json');
    for (const line of readFileSync(sums, 'utf8').trim().split('\n')) {
      const [hash, name] = line.split(/\s+/);
      expect(createHash('sha256').update(readFileSync(join(dirname(sums), name))).digest('hex')).toBe(hash);
    }
    const page = parse(readFileSync(htmlFile, 'utf8'));
    expect(page.querySelector('#attestation-sha256')?.text).toBe(createHash('sha256').update(readFileSync(json)).digest('hex'));
    expect(page.querySelectorAll('script')).toHaveLength(0);
    for (const id of ['final', 'accounts', 'timeline', 'evidence-findings', 'inputs', 'method']) expect(page.querySelector(`section#${id}`), id).not.toBeNull();
    expect(page.querySelector('#final')?.text).toContain('Not closed');
  });

  test('an unknown or never-departed subject exits 2', async () => {
    expect(await run(['node', 'revenant', 'evidence', 'nobody@contoso.com', '--store', t.storeDir, '--out', join(t.root, 'x'), '--no-pdf'])).toBe(2);
    expect(await run(['node', 'revenant', 'evidence', 'bob@contoso.com', '--store', t.storeDir, '--out', join(t.root, 'x'), '--no-pdf'])).toBe(2);
    expect(await run(['node', 'revenant', 'evidence', 'E1001', '--store', t.storeDir, '--out', join(t.root, 'y'), '--no-pdf'])).toBe(0);
  });
});
