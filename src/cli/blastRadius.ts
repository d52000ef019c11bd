/** `revenant blast-radius PRINCIPAL`: everything a principal can reach, with paths; summarised when it reaches the whole tenant. */
import type { Command } from 'commander';
import { InputError } from '../model/errors.js';
import { neo4jTarget } from '../store/neo4jTarget.js';
import { addSourceOptions, formatOf, writeOut } from './options.js';

export function depthOf(v: string | undefined, def = 8): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 32) throw new InputError('--depth: must be a whole number from 1 to 32', { field: '--depth' });
  return n;
}

export function registerBlastRadius(program: Command): void {
  const cmd = program
    .command('blast-radius')
    .description('everything a principal (account, group, service principal, app, credential) can reach, with paths')
    .argument('<principal>', 'id, UPN, login, mail, display name or appId (prefix entra: or okta: to pick a source)')
    .option('--depth <n>', 'maximum number of steps (default 8)')
    .option('--format <format>', 'table or json (default: table on a terminal, json otherwise)');
  addSourceOptions(cmd).action(async (principal: string, o: { depth?: string; format?: string; collection?: string[]; snapshot?: string; store?: string; neo4j?: string; neo4jDatabase?: string }) => {
    const maxDepth = depthOf(o.depth);
    const [{ openGraph }, { blastRadius }, { renderSteps }] = await Promise.all([
      import('../store/openGraph.js'),
      import('../../queries/blast-radius.js'),
      import('./renderPaths.js'),
    ]);
    const target = neo4jTarget(o);
    let r: ReturnType<typeof blastRadius>;
    if (target) {
      const [{ openNeo4jSnapshot }, { blastRadiusNeo4j }] = await Promise.all([import('../store/neo4jOpen.js'), import('../../queries/blast-radius.cypher.js')]);
      const opened = await openNeo4jSnapshot(target, { collections: o.collection, snapshot: o.snapshot });
      try {
        r = await blastRadiusNeo4j(opened.snap, principal, { maxDepth });
      } finally {
        await opened.close();
      }
    } else {
      const { graph, close } = await openGraph({ collections: o.collection, snapshot: o.snapshot, store: o.store });
      try {
        r = blastRadius(graph, principal, { maxDepth });
      } finally {
        close();
      }
    }
    if (formatOf(o.format) === 'json') {
      await writeOut(`${JSON.stringify(r, null, 2)}\n`);
      return;
    }
    const lines = [`Blast radius of ${r.principal.kind} ${r.principal.name} (${r.principal.id})${r.truncated ? ` — cut at depth ${r.maxDepth}` : ''}`];
    lines.push(`reaches ${Object.entries(r.reached).map(([k, n]) => `${n} ${k}`).join(', ') || 'nothing'}${r.tier0 ? ' — TIER 0' : ''}`);
    for (const w of r.wholeTenant) lines.push('', `WHOLE TENANT: ${w.tenant} (${w.via})`, `  ${renderSteps(w.path)}`);
    if (r.privileges.length) lines.push('', 'Privileges:');
    for (const p of r.privileges) lines.push(`  ${p.tier0 ? '[tier 0] ' : ''}${p.label}`, `    ${renderSteps(p.path)}`);
    await writeOut(`${lines.join('\n')}\n`);
  });
}
