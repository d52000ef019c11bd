/** `revenant paths FROM TO`: the shortest access paths from a principal to another principal or resource (or `tier0`, `tenant`). */
import type { Command } from 'commander';
import { depthOf } from './blastRadius.js';
import { withEngine } from './openEngine.js';
import { addSourceOptions, formatOf, type SourceOptions, writeOut } from './options.js';
import { InputError } from '../model/errors.js';

export function registerPaths(program: Command): void {
  const cmd = program
    .command('paths')
    .description('access paths between two principals or resources (TO may be `tier0` or `tenant`)')
    .argument('<from>', 'principal: id, UPN, login, mail, display name or appId')
    .argument('<to>', 'principal or resource, or `tier0` (any tier-0 privilege) or `tenant` (tenant-wide control)')
    .option('--depth <n>', 'maximum number of steps (default 8)')
    .option('--limit <n>', 'maximum number of paths (default 20)')
    .option('--format <format>', 'table or json (default: table on a terminal, json otherwise)');
  addSourceOptions(cmd).action(async (from: string, to: string, o: SourceOptions & { depth?: string; limit?: string; format?: string }) => {
    const maxDepth = depthOf(o.depth);
    const limit = o.limit === undefined ? 20 : Number(o.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new InputError('--limit: must be a whole number of paths (1 or more)', { field: '--limit' });
    const { renderSteps } = await import('./renderPaths.js');
    const r = await withEngine(o, (engine) => engine.paths(from, to, { maxDepth, limit }));
    if (formatOf(o.format) === 'json') {
      await writeOut(`${JSON.stringify(r, null, 2)}\n`);
      return;
    }
    const lines = [`${r.paths.length} path${r.paths.length === 1 ? '' : 's'} from ${r.from.kind} ${r.from.name} to ${r.to}${r.truncated ? ` (search cut at depth ${r.maxDepth})` : ''}`];
    for (const p of r.paths) lines.push(`  [${p.length}] ${renderSteps(p.steps)}`);
    await writeOut(`${lines.join('\n')}\n`);
  });
}
