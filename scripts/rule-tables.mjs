#!/usr/bin/env node
/**
 * Rewrites the generated rule tables of README.md and docs/residual-access-rules.md from the
 * rules' declarations (queries/residual-access/ruleTables.ts, built into dist/ by `npm run build`).
 * `--check` changes nothing and exits 1 when a document is not current.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { generatedRegions, readRegion, writeRegion } = await import(path.join(ROOT, 'dist/queries/residual-access/ruleTables.js'));
const check = process.argv.includes('--check');
let stale = 0;
for (const { file, name, text } of generatedRegions()) {
  const p = path.join(ROOT, file);
  const doc = readFileSync(p, 'utf8');
  if (readRegion(doc, name) === text) continue;
  stale++;
  if (check) process.stderr.write(`rule-tables: ${file} (${name}) is not current; run node scripts/rule-tables.mjs\n`);
  else {
    writeFileSync(p, writeRegion(doc, name, text));
    process.stdout.write(`rule-tables: rewrote ${file} (${name})\n`);
  }
}
process.exit(check && stale > 0 ? 1 : 0);
