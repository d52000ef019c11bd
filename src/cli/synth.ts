/**
 * `revenant synth --users N --seed S --out DIR [--at ISO] [--github [--github-members N]]
 * [--azure [--subscriptions N]]`: writes a deterministic synthetic collection (entra/, okta/, hr/,
 * and github/, azure/ when asked) with its ground truth (DIR/expected.json, the scenario format)
 * for benchmarks, demos and tests. stdout gets only the output folder; stderr gets a one-line
 * summary (people, lines, bytes, edges, planted findings per rule). The generator is imported
 * only when the command runs.
 */
import type { Command } from 'commander';
import { InputError } from '../model/errors.js';
import type { SamlEnforcement } from '../../ingest/synth/GitHubOrg.js';

interface SynthCliOptions {
  users: string;
  seed: string;
  out: string;
  at?: string;
  github?: boolean;
  githubMembers?: string;
  githubSaml?: string;
  azure?: boolean;
  subscriptions?: string;
}

function wholeOf(option: string, v: string): number {
  const n = Number(v.replace(/_/g, ''));
  if (!/^\d[\d_]*$/.test(v) || !Number.isInteger(n)) throw new InputError(`synth: ${option} must be a whole number (got ${JSON.stringify(v)})`);
  return n;
}

function compact(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

export function registerSynth(program: Command): void {
  program
    .command('synth')
    .description('write a deterministic synthetic collection (Entra, Okta, HR; GitHub and Azure on request) and its expected findings')
    .requiredOption('--users <n>', 'number of people (50 to 2,000,000; about 8% are leavers)')
    .requiredOption('--seed <s>', 'seed: the same users, seed and --at give byte-identical files')
    .requiredOption('--out <dir>', 'output folder (created; a previous synthetic collection in it is replaced)')
    .option('--at <iso>', 'analysis and collection time (default 2026-11-01T00:00:00Z)')
    .option('--github', 'also write a GitHub organisation (github/) and plant the github.* rules')
    .option('--github-members <n>', 'organisation members (implies --github; default 8% of --users, at least 40)')
    .option('--github-saml <mode>', 'the organisation\'s SAML enforcement: enforced (default), configured, none or unknown')
    .option('--azure', 'also write the Azure resource plane (azure/) and plant the azure.* rules')
    .option('--subscriptions <n>', 'Azure subscriptions (implies --azure; default --users / 125, at least 6)')
    .addHelpText('after', '\nExample: revenant synth --users 10000 --seed 7 --out ./synthetic && revenant residual --all --collection ./synthetic')
    .action(async (o: SynthCliOptions) => {
      const users = wholeOf('--users', o.users);
      const { synthesize, defaultGithubMembers, defaultSubscriptions } = await import('../../ingest/synth/synthesize.js');
      const githubMembers = o.githubMembers !== undefined ? wholeOf('--github-members', o.githubMembers) : o.github || o.githubSaml ? defaultGithubMembers(users) : null;
      const subscriptions = o.subscriptions !== undefined ? wholeOf('--subscriptions', o.subscriptions) : o.azure ? defaultSubscriptions(users) : null;
      const { out, stats } = await synthesize({ users, seed: o.seed, out: o.out, at: o.at, githubMembers, subscriptions, githubSaml: o.githubSaml as SamlEnforcement | undefined });
      const perRule = Object.entries(stats.findingsByRule)
        .map(([rule, n]) => `${rule}=${n}`)
        .join(' ');
      process.stderr.write(
        `synth: ${stats.users} users (entra ${stats.accounts.entra}+${stats.accounts.entraDeleted} deleted, okta ${stats.accounts.okta}, hr ${stats.accounts.hr}` +
          `${githubMembers !== null ? `, github ${stats.accounts.github}` : ''}${subscriptions !== null ? `, azure ${stats.accounts.azureSubscriptions} subscriptions` : ''}), ` +
          `${compact(stats.lines)} lines, ${compact(stats.bytes)}B, ${compact(stats.edges)} edges, ${stats.leavers} leavers, ` +
          `${stats.departedSubjects} departed subjects (${stats.closed} closed), ${stats.findings} planted findings in ${stats.seconds.toFixed(1)} s: ${perRule}\n`,
      );
      process.stdout.write(`${out}\n`);
    });
}
