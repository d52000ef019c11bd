/**
 * GitHub collectors for apps: `appInstallations` (`GET /orgs/{org}/installations`, each with its
 * `permissions`) and `apps` (`GET /apps/{app_slug}` for each installed app, whose `owner` says
 * whether a user owns the registration), and the optional `auditLog` (EMU `user.suspend`
 * events within `--since`/`--until`; GitHub Enterprise Cloud, 3 months by default).
 */
import { perParent } from '../collection/perParent.js';
import { type DatasetOutput, readWritten } from '../collection/runDatasets.js';
import { GITHUB_PERMISSIONS, type GitHubContext, userRef } from './GitHubContext.js';
import { restGet, restList } from './githubPages.js';
import { str } from '../collection/fields.js';

type Raw = Record<string, unknown>;

export async function* collectAppInstallations(ctx: GitHubContext, out: DatasetOutput): AsyncGenerator<Raw> {
  const all = restList<Raw>(ctx.session, out.stats, 'GET /orgs/{org}/installations', { org: ctx.org }, { permission: GITHUB_PERMISSIONS.appInstallations });
  for await (const i of all) {
    const account = i.account as Raw | undefined;
    yield {
      id: i.id,
      app_id: i.app_id,
      app_slug: i.app_slug,
      client_id: i.client_id,
      target_type: i.target_type,
      account: account ? { id: account.id, login: account.login, type: account.type } : null,
      permissions: i.permissions ?? {},
      repository_selection: i.repository_selection,
      created_at: i.created_at,
      suspended_at: i.suspended_at ?? null,
    };
  }
}

export async function* collectApps(ctx: GitHubContext, out: DatasetOutput): AsyncGenerator<Raw> {
  const slugs = new Set<string>();
  for await (const i of readWritten(out.dir, 'appInstallations')) if (typeof i.app_slug === 'string') slugs.add(i.app_slug);
  yield* perParent(out, [...slugs], 'apps', async function* (slug) {
    const a = await restGet<Raw>(ctx.session, out.stats, 'GET /apps/{app_slug}', { app_slug: slug }, { permission: GITHUB_PERMISSIONS.apps });
    if (a) yield { id: a.id, slug: a.slug, name: a.name, owner: userRef(a.owner as Raw), permissions: a.permissions ?? {}, created_at: a.created_at };
  });
}

export async function* collectAuditLog(ctx: GitHubContext, out: DatasetOutput): AsyncGenerator<Raw> {
  const phrase = ['action:user.suspend', ctx.since ? `created:>=${ctx.since.slice(0, 10)}` : '', ctx.until ? `created:<=${ctx.until.slice(0, 10)}` : '']
    .filter(Boolean)
    .join(' ');
  const route = ctx.emu && ctx.enterprise ? 'GET /enterprises/{enterprise}/audit-log' : 'GET /orgs/{org}/audit-log';
  const all = restList<Raw>(ctx.session, out.stats, route, { org: ctx.org, enterprise: ctx.enterprise, phrase, include: 'web' }, {
    permission: GITHUB_PERMISSIONS.auditLog,
  });
  for await (const ev of all) {
    if (ctx.subject && (str(ev, 'user') ?? '').toLowerCase() !== ctx.subject.toLowerCase()) continue;
    yield ev;
  }
}
