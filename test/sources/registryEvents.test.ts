/**
 * A source's server-side settings come from the registry: the badge source (test/sources/badge),
 * registered here with an `eventSettings` declaration, gets its `events.badge` section in the
 * server config — validated by its own schema (unknown fields and bad values refused with their
 * path, exit-code-2 InputErrors) and normalised by its own code — and with a `subscribe`
 * declaration it gets `revenant subscribe badge`, whose options are its own and whose module is
 * handed the validated section, the server's secret resolution and URL redaction. Neither
 * src/api/config.ts nor src/cli/subscribe.ts names a source.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SOURCES } from '../../ingest/sources.js';
import { parseConfig } from '../../src/api/config.js';
import { registerSubscribe } from '../../src/cli/subscribe.js';
import { InputError } from '../../src/model/errors.js';
import type { SubscribeContext } from '../../src/model/source.js';
import { BADGE_SOURCE } from './badge/source.js';

const seen: { flags: Readonly<Record<string, unknown>>; ctx: SubscribeContext }[] = [];
const dir = mkdtempSync(join(tmpdir(), 'revenant-registry-events-'));

beforeAll(() => {
  SOURCES.register({
    ...BADGE_SOURCE,
    capabilities: {
      eventSettings: {
        properties: {
          token: { type: 'string', minLength: 1 },
          site: { type: 'string', pattern: '^[a-z]+$' },
          alarmUrl: { type: 'string', pattern: '^https://' },
        },
        normalise(section) {
          section.site = typeof section.site === 'string' ? section.site : 'hq';
        },
      },
      subscribe: {
        description: 'register the alarm feed of the badge system',
        options: [{ flags: '--door <door>', description: 'the door whose alarms feed the server', required: true }],
        load: () =>
          Promise.resolve({
            subscribe(flags: Readonly<Record<string, unknown>>, ctx: SubscribeContext) {
              seen.push({ flags, ctx });
              const url = `${String(ctx.settings?.alarmUrl)}?key=${ctx.secret(String(ctx.settings?.token), 'events.badge.token')}`;
              return Promise.resolve({ message: `subscribed door ${String(flags.door)}`, result: { url: ctx.redactUrl(url) } });
            },
          }),
      },
    },
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const refused = (raw: unknown): InputError => {
  try {
    parseConfig(raw, 'server.json');
  } catch (e) {
    return e as InputError;
  }
  throw new Error('the config was accepted');
};

describe("a registered source's event settings", () => {
  it('are accepted in events.<source>, normalised by the source, beside the built-in sections', () => {
    const cfg = parseConfig({ events: { badge: { token: 'env:BADGE_TOKEN', alarmUrl: 'https://alarms.example.com/hook' }, okta: { hookSecret: 'x', hookSecretHeader: 'X-Hook-Secret' } } }, 'server.json');
    expect(cfg.events.badge).toEqual({ token: 'env:BADGE_TOKEN', alarmUrl: 'https://alarms.example.com/hook', site: 'hq' });
    // The built-in sources keep their behaviour: Okta's header is lower-cased, defaulted when absent.
    expect(cfg.events.okta).toEqual({ hookSecret: 'x', hookSecretHeader: 'x-hook-secret' });
    expect(parseConfig({ events: { okta: { hookSecret: 'x' } } }).events.okta).toEqual({ hookSecret: 'x', hookSecretHeader: 'x-revenant-hook-secret' });
    expect(parseConfig({ events: { badge: { site: 'annex' } } }).events.badge).toEqual({ site: 'annex' });
  });

  it("are validated by the source's schema: unknown fields and bad values are refused with their path", () => {
    const unknown = refused({ events: { badge: { token: 'x', colour: 'red' } } });
    expect(unknown).toBeInstanceOf(InputError);
    expect(unknown.message).toBe('server.json: events.badge must NOT have additional properties (colour)');
    const bad = refused({ events: { badge: { site: 'Annex 2' } } });
    expect(bad.message).toMatch(/^server\.json: events\.badge\.site must match pattern/);
    // A section for a source nobody registered is refused as before.
    expect(refused({ events: { lenel: {} } }).message).toBe('server.json: events must NOT have additional properties (lenel)');
  });
});

describe('revenant subscribe <source> from the registry', () => {
  it("runs the source's subscribe with its own options and its validated config section, printing its message and result", async () => {
    const file = join(dir, 'server.json');
    writeFileSync(file, JSON.stringify({ events: { badge: { token: 'env:BADGE_TOKEN', alarmUrl: 'https://alarms.example.com/hook' } } }));
    vi.stubEnv('BADGE_TOKEN', 'rvn_0123abcd_secretpart');
    const out: string[] = [];
    const err: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (out.push(String(c)), true));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => (err.push(String(c)), true));
    try {
      const program = new Command().exitOverride();
      registerSubscribe(program);
      const help = program.commands.find((c) => c.name() === 'subscribe')!.commands.map((c) => c.name());
      expect(help).toEqual(['entra', 'badge']);
      await program.parseAsync(['subscribe', 'badge', '--config', file, '--door', 'D7'], { from: 'user' });
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
      vi.unstubAllEnvs();
    }
    expect(seen).toHaveLength(1);
    expect(seen[0].flags).toMatchObject({ door: 'D7', config: file });
    expect(seen[0].ctx.settings).toEqual({ token: 'env:BADGE_TOKEN', alarmUrl: 'https://alarms.example.com/hook', site: 'hq' });
    expect(err.join('')).toBe('subscribed door D7\n');
    expect(JSON.parse(out.join(''))).toEqual({ url: 'https://alarms.example.com/hook?key=…' });
    expect(out.join('') + err.join('')).not.toContain('secretpart');
  });
});
