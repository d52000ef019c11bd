/**
 * Builds small collections for rule tests: datasets as arrays of raw API objects, written to a
 * temporary folder in the collection format with complete manifests (or the statuses a test
 * asks for), then loaded into an in-memory snapshot and analysed with the real engine.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetsOf } from '../../ingest/collection/datasets.js';
import { type FindingsDoc, type ResidualOptions, runResidual } from '../../queries/residual.js';
import { LazyGraph } from '../../src/store/LazyGraph.js';
import { loadInMemory } from '../../src/store/openGraph.js';

export type Raw = Record<string, unknown>;
export type SourceData = Record<string, Raw[]>;

export interface TenantSpec {
  collectedAt?: string;
  entra?: SourceData;
  okta?: SourceData;
  hr?: SourceData;
  github?: SourceData;
  /** Override ledger entries: `{ entra: { directoryAudits: { status: 'missing', reason: '…' } } }`. */
  ledger?: Partial<Record<'entra' | 'okta' | 'hr' | 'github', Record<string, { status: string; count?: number; reason?: string } | undefined>>>;
}

export const AT = '2026-11-01T00:00:00Z';
export const ENTRA_TENANT = '11111111-2222-3333-4444-555555555555';
export const OKTA_ORG = 'https://test.okta.com';
export const GITHUB_ORG = 'acme';

export function writeTenant(spec: TenantSpec, dir = mkdtempSync(join(tmpdir(), 'revenant-test-'))): string {
  for (const source of ['entra', 'okta', 'hr', 'github'] as const) {
    const data = spec[source];
    if (!data) continue;
    const folder = join(dir, source);
    mkdirSync(folder, { recursive: true });
    const datasets: Record<string, unknown> = {};
    for (const name of datasetsOf(source)) {
      const lines = data[name] ?? [];
      writeFileSync(join(folder, `${name}.jsonl`), lines.map((l) => JSON.stringify(l)).join('\n') + (lines.length ? '\n' : ''));
      datasets[name] = { status: 'complete', count: lines.length };
    }
    for (const [name, entry] of Object.entries(spec.ledger?.[source] ?? {})) {
      if (entry === undefined) delete datasets[name];
      else datasets[name] = entry;
    }
    const tenant = source === 'entra' ? ENTRA_TENANT : source === 'okta' ? OKTA_ORG : source === 'github' ? GITHUB_ORG : 'workday';
    writeFileSync(
      join(folder, 'manifest.json'),
      JSON.stringify({ format: 'revenant-collection/1', source, tenant, collectedAt: spec.collectedAt ?? AT, datasets }, null, 2),
    );
  }
  return dir;
}

/** Load a collection folder into memory and run residual access on it. */
export async function analyse(dir: string, opts: ResidualOptions = { all: true }): Promise<FindingsDoc> {
  const db = await loadInMemory([dir]);
  try {
    return runResidual(new LazyGraph(db, null), opts);
  } finally {
    db.close();
  }
}

export async function analyseSpec(spec: TenantSpec, opts: ResidualOptions = { all: true }): Promise<FindingsDoc> {
  return analyse(writeTenant(spec), opts);
}

/** `rule subject→via status severity` strings, sorted: compact set assertions. */
export function summary(doc: FindingsDoc, rule?: string): string[] {
  return doc.findings
    .filter((f) => !rule || f.rule === rule)
    .map((f) => `${f.rule} ${f.subject.id}→${f.via.id} ${f.status} ${f.severity}${f.validUntil ? ` until ${f.validUntil}` : ''}`)
    .sort();
}

// ---- raw object factories (Graph v1.0 and Okta Management API shapes) ----

export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const PERM = {
  applicationReadWriteAll: '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9',
  userReadAll: 'df021288-bdef-4463-88db-98f22de89214',
};
export const ROLE = {
  globalAdmin: '62e90394-69f5-4237-9190-012177145e10',
  helpdesk: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  appAdmin: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
};

let n = 0;
/** A fresh deterministic GUID-shaped id. */
export const guid = (tag = 0) => `00000000-0000-4000-8000-${String(++n * 1000 + tag).padStart(12, '0')}`;

export const entraUser = (id: string, o: Raw = {}): Raw => ({
  id,
  userPrincipalName: `${id.slice(-4)}@contoso.com`,
  mail: `${id.slice(-4)}@contoso.com`,
  displayName: `User ${id.slice(-4)}`,
  accountEnabled: true,
  employeeId: null,
  onPremisesSyncEnabled: null,
  signInSessionsValidFromDateTime: null,
  ...o,
});

export const disableEvent = (userId: string, when: string): Raw => ({
  id: `Directory_${userId}_${when}`,
  activityDisplayName: 'Disable account',
  activityDateTime: when,
  initiatedBy: { user: { id: '99999999-9999-4999-8999-999999999999' } },
  targetResources: [{ id: userId, type: 'User', modifiedProperties: [] }],
});

export const graphSp = (id: string): Raw => ({
  id,
  appId: GRAPH_APP_ID,
  displayName: 'Microsoft Graph',
  appRoles: [
    { id: PERM.applicationReadWriteAll, value: 'Application.ReadWrite.All', allowedMemberTypes: ['Application'] },
    { id: PERM.userReadAll, value: 'User.Read.All', allowedMemberTypes: ['Application'] },
  ],
});

export const secret = (keyId: string, start: string, end: string | null): Raw => ({ keyId, displayName: `secret ${keyId.slice(-4)}`, startDateTime: start, endDateTime: end, secretText: null });

export const oktaUser = (id: string, status: string, o: Raw = {}, profile: Raw = {}): Raw => ({
  id,
  status,
  statusChanged: '2026-10-10T10:00:00.000Z',
  profile: { login: `${id}@example.com`, email: `${id}@example.com`, employeeNumber: null, ...profile },
  credentials: { provider: { type: 'OKTA', name: 'OKTA' } },
  ...o,
});

export const oktaApp = (id: string, o: Raw = {}): Raw => ({ id, label: id, name: id, status: 'ACTIVE', signOnMode: 'SAML_2_0', features: [], credentials: {}, ...o });

export const appUser = (appId: string, userId: string, o: Raw = {}): Raw => ({ appId, appUser: { id: userId, externalId: null, scope: 'USER', status: 'ACTIVE', ...o } });
