/**
 * Malformed collections are refused with exit code 2 and a message naming the file, line and
 * field — never a stack trace, never a half-written store: invalid JSON, a wrong type, a missing
 * id, an unknown format version, a folder without manifest.json, a count that disagrees.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { entraUser, guid, writeTenant } from '../support/tenant.js';

function base(): string {
  return writeTenant({ entra: { users: [entraUser(guid(1)), entraUser(guid(2), { accountEnabled: false })] } });
}

function expectRefused(dir: string, message: RegExp) {
  const store = mkdtempSync(join(tmpdir(), 'revenant-store-'));
  const r = cli(['load', dir, '--store', store]);
  expect(r.status, r.stderr).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(r.stdout).toBe('');
  // No snapshot, no partial file left behind.
  const snaps = join(store, 'snapshots');
  expect(existsSync(snaps) ? readdirSync(snaps) : []).toEqual([]);
  // The analysis commands refuse it the same way.
  const a = cli(['residual', '--all', '--collection', dir, '--format', 'json']);
  expect(a.status).toBe(2);
  expect(a.stderr).toMatch(message);
}

const lines = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8').split('\n');

describe('malformed collections', () => {
  it('invalid JSON: file and line', () => {
    const dir = base();
    const l = lines(dir, 'entra/users.jsonl');
    l[1] = '{"id": "x", "accountEnabled": tru}';
    writeFileSync(join(dir, 'entra/users.jsonl'), l.join('\n'));
    expectRefused(dir, /entra\/users\.jsonl:2: invalid JSON/);
  });
  it('a wrong type: file, line and field', () => {
    const dir = base();
    const l = lines(dir, 'entra/users.jsonl');
    l[1] = l[1].replace('"accountEnabled":false', '"accountEnabled":"no"');
    writeFileSync(join(dir, 'entra/users.jsonl'), l.join('\n'));
    expectRefused(dir, /entra\/users\.jsonl:2: accountEnabled must be boolean or null/);
  });
  it('a nested wrong type names the nested field', () => {
    const dir = writeTenant({ entra: { users: [], applications: [{ id: 'a', passwordCredentials: [{ keyId: 'k', endDateTime: 'not a date' }] }] } });
    expectRefused(dir, /entra\/applications\.jsonl:1: passwordCredentials\[0\]\.endDateTime must be an ISO-8601 date or date-time/);
  });
  it('a missing id', () => {
    const dir = writeTenant({ okta: { users: [{ status: 'ACTIVE', profile: {} }] } });
    expectRefused(dir, /okta\/users\.jsonl:1: id is required/);
  });
  it('a missing wrapped child id', () => {
    const dir = writeTenant({ entra: { users: [], groupMembers: [{ groupId: 'g', member: { '@odata.type': '#microsoft.graph.user' } }] } });
    expectRefused(dir, /entra\/groupMembers\.jsonl:1: member\.id is required/);
  });
  it('an unknown format version', () => {
    const dir = base();
    const m = JSON.parse(readFileSync(join(dir, 'entra/manifest.json'), 'utf8'));
    m.format = 'revenant-collection/2';
    writeFileSync(join(dir, 'entra/manifest.json'), JSON.stringify(m, null, 2));
    expectRefused(dir, /entra\/manifest\.json:2: format is "revenant-collection\/2": this version of revenant reads only "revenant-collection\/1"/);
  });
  it('a source folder without manifest.json', () => {
    const dir = base();
    mkdirSync(join(dir, 'okta'));
    writeFileSync(join(dir, 'okta', 'users.jsonl'), '');
    expectRefused(dir, /okta: source folder without manifest\.json/);
  });
  it('a manifest count that disagrees with the file', () => {
    const dir = base();
    const m = JSON.parse(readFileSync(join(dir, 'entra/manifest.json'), 'utf8'));
    m.datasets.users.count = 3;
    writeFileSync(join(dir, 'entra/manifest.json'), JSON.stringify(m, null, 2));
    expectRefused(dir, /entra\/manifest\.json:\d+: datasets\.users\.count is 3 but entra\/users\.jsonl holds 2 objects/);
  });
  it('an invalid ledger status', () => {
    const dir = base();
    const m = JSON.parse(readFileSync(join(dir, 'entra/manifest.json'), 'utf8'));
    m.datasets.groups.status = 'done';
    writeFileSync(join(dir, 'entra/manifest.json'), JSON.stringify(m, null, 2));
    expectRefused(dir, /datasets\.groups\.status must be "complete", "partial" or "missing"/);
  });
  it('tolerates unknown fields and blank lines', async () => {
    const dir = base();
    const l = lines(dir, 'entra/users.jsonl');
    l[0] = l[0].replace('{', '{"someFutureField":{"x":[1,2]},');
    writeFileSync(join(dir, 'entra/users.jsonl'), `\n${l.join('\n')}\n\n`);
    const store = mkdtempSync(join(tmpdir(), 'revenant-store-'));
    const r = cli(['load', dir, '--store', store]);
    expect(r.status, r.stderr).toBe(0);
  });
  it('a nonexistent folder and a bad --at are usage errors', () => {
    expect(cli(['load', '/nonexistent/x', '--store', mkdtempSync(join(tmpdir(), 'r-'))]).status).toBe(2);
    const r = cli(['residual', '--all', '--collection', base(), '--at', 'yesterday']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--at: "yesterday" is not an ISO-8601/);
  });
});
