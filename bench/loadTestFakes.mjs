/**
 * The benchmarks' way to the API fakes of test/fakes: transpile every `.ts` there (node built-ins
 * only) into a temp folder once, and return an importer for its modules (`imp('GitHubFake.js')`).
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function loadTestFakes() {
  const ts = (await import(pathToFileURL(join(ROOT, 'node_modules/typescript/lib/typescript.js')).href)).default;
  const out = mkdtempSync(join(tmpdir(), 'revenant-bench-fakes-'));
  for (const f of readdirSync(join(ROOT, 'test/fakes'))) {
    if (!f.endsWith('.ts')) continue;
    const src = readFileSync(join(ROOT, 'test/fakes', f), 'utf8');
    const js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(out, f.replace(/\.ts$/, '.js')), js);
  }
  return (name) => import(pathToFileURL(join(out, name)).href);
}
