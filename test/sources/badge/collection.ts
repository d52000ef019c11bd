/**
 * Collections for the badge test source (source.ts): an Entra tenant (and an HR roster, when
 * given) beside a badge folder for site `Site-1`, with its manifest's ledger.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AT, writeTenant } from '../../support/tenant.js';

type Raw = Record<string, unknown>;

/** A collection with Entra, HR and a badge folder (`site-1`). */
export function badgeCollection(badge: { holders: Raw[]; doors: Raw[]; grants: Raw[] }, entra: Raw[], hr: Raw[] = [], ledger: Record<string, unknown> = {}): string {
  const dir = writeTenant({ entra: { users: entra }, ...(hr.length ? { hr: { people: hr } } : {}) });
  const folder = join(dir, 'badge');
  mkdirSync(folder);
  const datasets: Record<string, unknown> = {};
  for (const [name, lines] of Object.entries(badge)) {
    writeFileSync(join(folder, `${name}.jsonl`), lines.map((l) => JSON.stringify(l)).join('\n') + (lines.length ? '\n' : ''));
    datasets[name] = { status: 'complete', count: lines.length };
  }
  writeFileSync(join(folder, 'manifest.json'), JSON.stringify({ format: 'revenant-collection/1', source: 'badge', tenant: 'Site-1', collectedAt: AT, datasets: { ...datasets, ...ledger } }));
  return dir;
}

/** A badge holder line. */
export const holder = (id: string, status: 'active' | 'revoked', o: Raw = {}): Raw => ({ id, name: `Holder ${id}`, email: null, employeeNumber: null, status, revokedAt: null, ...o });

export const DOORS = [
  { id: 'D1', name: 'Server room' },
  { id: 'D2', name: 'Lobby' },
];
