/**
 * A load is atomic: killed (SIGKILL) at any point, the previous snapshot stays intact and still
 * the latest, nothing half-written is ever listed, and the leftover partial file is cleaned up
 * by the next load. The kill points are spread over a measured full load (20 %, 50 %, 80 %, 95 %).
 */
import { createWriteStream, existsSync, readdirSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { cli, cliAsync } from '../support/cli.js';
import { entraUser, writeTenant } from '../support/tenant.js';

async function bigCollection(): Promise<string> {
  const users = Array.from({ length: 20000 }, (_, i) => entraUser(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, { accountEnabled: i % 10 !== 0 }));
  const dir = writeTenant({ entra: { users, groups: Array.from({ length: 100 }, (_, g) => ({ id: `10000000-0000-4000-8000-${String(g).padStart(12, '0')}`, displayName: `g${g}` })) } });
  // 200k memberships, written as a stream, with the manifest count to match.
  const out = createWriteStream(join(dir, 'entra', 'groupMembers.jsonl'));
  let count = 0;
  for (let i = 0; i < 20000; i++) {
    for (let g = 0; g < 10; g++) {
      const line = `{"groupId":"10000000-0000-4000-8000-${String((i + g * 7) % 100).padStart(12, '0')}","member":{"@odata.type":"#microsoft.graph.user","id":"00000000-0000-4000-8000-${String(i).padStart(12, '0')}"}}\n`;
      if (!out.write(line)) await once(out, 'drain');
      count++;
    }
  }
  out.end();
  await once(out, 'finish');
  const { readFileSync, writeFileSync } = await import('node:fs');
  const mpath = join(dir, 'entra', 'manifest.json');
  const m = JSON.parse(readFileSync(mpath, 'utf8'));
  m.datasets.groupMembers.count = count;
  writeFileSync(mpath, JSON.stringify(m));
  return dir;
}

describe('atomic load', () => {
  it('a killed load leaves the previous snapshot intact and the latest', { timeout: 600_000 }, async () => {
    const small = writeTenant({ entra: { users: [entraUser('00000000-0000-4000-8000-00000000aaaa', { accountEnabled: false })] } });
    const big = await bigCollection();
    const store = mkdtempSync(join(tmpdir(), 'revenant-atomic-'));
    const first = cli(['load', small, '--store', store]);
    expect(first.status, first.stderr).toBe(0);
    const firstId = first.stdout.trim();
    const firstFindings = cli(['residual', '--all', '--store', store, '--format', 'json']).stdout;

    // Measure a full load of the big collection in a throw-away store.
    const t0 = Date.now();
    const full = cli(['load', big, '--store', mkdtempSync(join(tmpdir(), 'revenant-atomic-full-'))]);
    expect(full.status, full.stderr).toBe(0);
    const T = Date.now() - t0;

    for (const fraction of [0.2, 0.5, 0.8, 0.95]) {
      const child = cliAsync(['load', big, '--store', store]);
      // Listen before the kill: a load that finishes early has already exited by then.
      const exited = once(child, 'exit');
      await new Promise((r) => setTimeout(r, Math.round(T * fraction)));
      child.kill('SIGKILL');
      await exited;
      const list = JSON.parse(cli(['snapshots', '--store', store, '--format', 'json']).stdout) as { snapshots: { id: string }[] };
      // Either the kill came too late and a complete snapshot was published, or nothing changed.
      const ids = list.snapshots.map((s) => s.id);
      expect(ids[0]).toBe(firstId);
      if (ids.length === 1) {
        const now = cli(['residual', '--all', '--store', store, '--format', 'json']);
        expect(now.status).toBe(0);
        expect(now.stdout).toBe(firstFindings);
      } else {
        // A published snapshot is complete and readable.
        expect(cli(['residual', '--all', '--store', store, '--snapshot', ids.at(-1)!, '--format', 'json']).status).toBe(0);
      }
    }
    // The next load removes partial files of dead processes.
    expect(cli(['load', small, '--store', store]).status).toBe(0);
    expect(readdirSync(join(store, 'snapshots')).filter((f) => f.includes('.partial'))).toEqual([]);
    expect(existsSync(join(store, 'snapshots'))).toBe(true);
  });
});
