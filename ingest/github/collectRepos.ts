/**
 * GitHub collectors for the repositories of **R** — the repositories named by GitHub-issuer
 * federated credentials in the same collection (`entra/federatedIdentityCredentials.jsonl`,
 * `azure/managedIdentityFederatedCredentials.jsonl`) and `--repo`, or every repository with
 * `--all-repos`: `repoCollaborators` (`affiliation=all`, each with `role_name`, the highest role
 * from all grants) and `deployKeys` (without the public key itself). Without `--all-repos` both
 * are `partial`, "bounded to R", whatever was read: they never claim the whole organisation.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { perParent } from '../collection/perParent.js';
import { type DatasetOutput, readWritten } from '../collection/runDatasets.js';
import { GITHUB_PERMISSIONS, type GitHubContext, userRef } from './GitHubContext.js';
import { restList } from './githubPages.js';
import { type RepoLike, isGitHubIssuer, parseWorkflowSubject, reposNamed } from './workflowSubject.js';
import { obj, str } from '../collection/fields.js';

type Raw = Record<string, unknown>;

interface Repo extends RepoLike {
  owner: string;
  name: string;
}

/** Subjects of GitHub-issuer federated credentials written beside this source in the collection. */
export async function federatedSubjects(collectionDir: string): Promise<string[]> {
  const subjects: string[] = [];
  const files: [string, string, (l: Raw) => Raw | undefined][] = [
    ['entra', 'federatedIdentityCredentials', (l) => l.credential as Raw | undefined],
    ['azure', 'managedIdentityFederatedCredentials', (l) => (l.properties as Raw | undefined) ?? l],
  ];
  for (const [folder, dataset, pick] of files) {
    const dir = join(collectionDir, folder);
    if (!existsSync(join(dir, `${dataset}.jsonl`))) continue;
    for await (const line of readWritten(dir, dataset)) {
      const c = pick(line);
      if (c && isGitHubIssuer(c.issuer as string) && typeof c.subject === 'string') subjects.push(c.subject);
    }
  }
  return subjects;
}

/** The repositories of R among those written to `repositories`, and why each is there. */
export async function boundedRepos(ctx: GitHubContext, out: DatasetOutput): Promise<{ repos: Repo[]; total: number; why: string }> {
  const all: Repo[] = [];
  let orgId: string | undefined;
  for await (const r of readWritten(out.dir, 'repositories')) {
    const owner = str(obj(r, 'owner'), 'login') ?? String(r.full_name).split('/')[0];
    all.push({ id: String(r.id), fullName: String(r.full_name), owner, name: String(r.name) });
  }
  for await (const o of readWritten(out.dir, 'organization')) orgId = String(o.id);
  if (ctx.repos.all) return { repos: all, total: all.length, why: 'all repositories (--all-repos)' };
  const chosen = new Map<string, Repo>();
  for (const n of ctx.repos.named) {
    const v = n.trim().toLowerCase();
    for (const r of all) {
      if (r.id === v || r.fullName.toLowerCase() === v || r.name.toLowerCase() === v) chosen.set(r.id, r);
    }
  }
  const subjects = await federatedSubjects(ctx.collectionDir);
  for (const s of subjects) for (const r of reposNamed(parseWorkflowSubject(s), all, ctx.org, orgId)) chosen.set(r.id, all.find((x) => x.id === r.id)!);
  const why = `bounded to R: ${chosen.size} of ${all.length} repositories (${subjects.length} GitHub federated credentials in the collection, ${ctx.repos.named.length} --repo); pass --all-repos to read every repository`;
  return { repos: [...chosen.values()], total: all.length, why };
}

async function* perRepo(
  ctx: GitHubContext,
  out: DatasetOutput,
  route: string,
  params: Raw,
  line: (repo: Repo, item: Raw) => Raw,
): AsyncGenerator<Raw> {
  const { repos, total, why } = await boundedRepos(ctx, out);
  if (!ctx.repos.all && repos.length < total) out.incomplete(why);
  yield* perParent(out, repos, 'repositories', async function* (repo) {
    const items = restList<Raw>(ctx.session, out.stats, route, { owner: repo.owner, repo: repo.name, ...params }, { permission: GITHUB_PERMISSIONS[out.name as 'deployKeys'] });
    for await (const item of items) yield line(repo, item);
  });
}

export function collectRepoCollaborators(ctx: GitHubContext, out: DatasetOutput): AsyncIterable<Raw> {
  return perRepo(ctx, out, 'GET /repos/{owner}/{repo}/collaborators', { affiliation: 'all' }, (repo, c) => ({
    repoId: Number(repo.id),
    collaborator: { ...userRef(c), role_name: c.role_name ?? null, permissions: c.permissions ?? null },
  }));
}

export function collectDeployKeys(ctx: GitHubContext, out: DatasetOutput): AsyncIterable<Raw> {
  return perRepo(ctx, out, 'GET /repos/{owner}/{repo}/keys', {}, (repo, k) => {
    const { key: _publicKey, ...rest } = k;
    return { repoId: Number(repo.id), key: rest };
  });
}
