/** `revenant blast-radius PRINCIPAL`: everything a principal can reach, with paths; summarised when it reaches the whole tenant. */
import type { Command } from 'commander';
import { InputError } from '../model/errors.js';
import { withEngine } from './openEngine.js';
import { addSourceOptions, formatOf, type SourceOptions, writeOut } from './options.js';

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
  addSourceOptions(cmd).action(async (principal: string, o: SourceOptions & { depth?: string; format?: string }) => {
    const maxDepth = depthOf(o.depth);
    const { renderSteps } = await import('./renderPaths.js');
    const r = await withEngine(o, (engine) => engine.blastRadius(principal, { maxDepth }));
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
