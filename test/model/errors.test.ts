/**
 * Errors carry stable codes and a family: callers (the CLI's exit code, the API's status) decide
 * by them, never by message text. The store's resolution errors are told apart by code alone;
 * the source APIs' error carries our code beside the provider's own.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../queries/loadSnapshot.js';
import { SourceApiError } from '../../ingest/collection/SourceApiError.js';
import { ERR, InputError, NotFoundError, RevenantError, StoreError } from '../../src/model/errors.js';
import { exitCodeFor } from '../../src/cli/main.js';
import { Store } from '../../src/store/Store.js';
import { SCENARIOS } from '../support/scenarios.js';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof RevenantError ? e.code : `not ours: ${String(e)}`;
  }
  return undefined;
}

describe('error codes', () => {
  it('default by family, and a family keeps its exit code whatever the code', () => {
    expect(new InputError('x').code).toBe(ERR.INPUT);
    expect(new NotFoundError('x').code).toBe(ERR.NOT_FOUND);
    expect(new StoreError('x').code).toBe(ERR.STORE);
    const e = new SourceApiError('x', { status: 403, providerCode: 'Authorization_RequestDenied', path: '/v1.0/users' });
    expect(e.code).toBe(ERR.SOURCE_API);
    expect(e.reason).toBe('HTTP 403 Authorization_RequestDenied on /v1.0/users');
    const quiet = { write: process.stderr.write };
    process.stderr.write = () => true;
    try {
      expect(exitCodeFor(new StoreError('x', ERR.SNAPSHOT_NOT_FOUND))).toBe(2);
      expect(exitCodeFor(new NotFoundError('x'))).toBe(2);
      expect(exitCodeFor(new RevenantError('x'))).toBe(1);
      expect(exitCodeFor(new SourceApiError('x', { status: 0 }))).toBe(1);
    } finally {
      process.stderr.write = quiet.write;
    }
  });

  it('tell the store resolution failures apart', async () => {
    const store = new Store(mkdtempSync(join(tmpdir(), 'revenant-codes-')));
    expect(codeOf(() => store.resolve())).toBe(ERR.NO_SNAPSHOT);
    const a = await loadSnapshot(store, [join(SCENARIOS, 'okta-lifecycle')]);
    const b = await loadSnapshot(store, [join(SCENARIOS, 'okta-lifecycle')]);
    expect(codeOf(() => store.resolve('19990101'))).toBe(ERR.SNAPSHOT_NOT_FOUND);
    const common = [...a.id].findIndex((c, i) => c !== b.id[i]);
    expect(codeOf(() => store.resolve(a.id.slice(0, common)))).toBe(ERR.SNAPSHOT_AMBIGUOUS);
    expect(store.resolve(a.id)).toBe(a.id);
  });
});
