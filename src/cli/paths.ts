/** `revenant paths FROM TO`: the shortest access paths from a principal to another principal or resource (or `tier0`, `tenant`). */
import type { Command } from 'commander';
import { depthOf } from './blastRadius.js';
import { neo4jTarget } from '../store/neo4jTarget.js';
import { addSourceOptions, formatOf, writeOut } from './options.js';
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
  addSourceOptions(cmd).action(async (from: string, to: string, o: { depth?: string; limit?: string; format?: string; collection?: string[]; snapshot?: string; store?: string; neo4j?: string; neo4jDatabase?: string }) => {
    const maxDepth = depthOf(o.depth);
    const limit = o.limit === undefined ? 20 : Number(o.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new InputError('--limit: must be a whole number of paths (1 or more)', { field: '--limit' });
    const [{ openGraph }, { findPaths }, { renderSteps }] = await Promise.all([
      import('../store/openGraph.js'),
      import('../../queries/paths.js'),
      import('./renderPaths.js'),
    ]);
    const target = neo4jTarget(o);
    let r: ReturnType<typeof findPaths>;
    if (target) {
      const [{ openNeo4jSnapshot }, { findPathsNeo4j }] = await Promise.all([import('../store/neo4jOpen.js'), import('../../queries/paths.cypher.js')]);
      const opened = await openNeo4jSnapshot(target, { collections: o.collection, snapshot: o.snapshot });
      try {
        r = await findPathsNeo4j(opened.snap, from, to, { maxDepth, limit });
      } finally {
        await opened.close();
      }
    } else {
      const { graph, close } = await openGraph({ collections: o.collection, snapshot: o.snapshot, store: o.store });
      try {
        r = findPaths(graph, from, to, { maxDepth, limit });
      } finally {
        close();
      }
    }
    if (formatOf(o.format) === 'json') {
      await writeOut(`${JSON.stringify(r, null, 2)}\n`);
      return;
    }
    const lines = [`${r.paths.length} path${r.paths.length === 1 ? '' : 's'} from ${r.from.kind} ${r.from.name} to ${r.to}${r.truncated ? ` (search cut at depth ${r.maxDepth})` : ''}`];
    for (const p of r.paths) lines.push(`  [${p.length}] ${renderSteps(p.steps)}`);
    await writeOut(`${lines.join('\n')}\n`);
  });
}
