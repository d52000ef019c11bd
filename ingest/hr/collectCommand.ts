/**
 * `revenant collect hr`: imports the roster CSV named by `--csv` into `<out>/hr` (importRoster.ts),
 * under the HR system name `--system`. Loaded only when the command runs (ingest/hr/source.ts
 * declares it).
 */
import type { CollectRun, CollectorModule } from '../../src/model/source.js';
import { importRoster } from './importRoster.js';

export const collect: CollectorModule['collect'] = async (flags, run: CollectRun) => {
  const o = flags as Readonly<{ csv: string; system: string }>;
  const { dir, count } = await importRoster({ csv: o.csv, out: run.out, system: o.system, force: run.force });
  return { dir, summary: `imported ${count} people into ${dir}` };
};
