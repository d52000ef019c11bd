/**
 * GitHub collectors for the organisation itself: `organization` (one line), `members` (GraphQL
 * `membersWithRole`, whose edges carry the role, with each member's verified-domain emails for
 * medium correlation; for a subject, `GET /orgs/{org}/memberships/{username}`),
 * `outsideCollaborators`, `teams` and `teamMembers` (per team), and `repositories` (`type=all`).
 * Account ids are GitHub's numeric `id` (`databaseId` in GraphQL): logins change.
 */
import { perParent } from '../collection/perParent.js';
import { type DatasetOutput, readWritten } from '../collection/runDatasets.js';
import { GITHUB_PERMISSIONS, type GitHubContext, userRef } from './GitHubContext.js';
import { graphqlList, restGet, restList } from './githubPages.js';
import { str } from '../collection/fields.js';

type Raw = Record<string, unknown>;

export async function* collectOrganization(ctx: GitHubContext, out: DatasetOutput): AsyncGenerator<Raw> {
  const o = await restGet<Raw>(ctx.session, out.stats, 'GET /orgs/{org}', { org: ctx.org }, { permission: GITHUB_PERMISSIONS.organization });
  if (!o) return;
  // Plan and billing details are not needed; keep identity and the fields an analyst checks.
  const keep = ['id', 'login', 'node_id', 'name', 'type', 'two_factor_requirement_enabled', 'created_at', 'updated_at', 'html_url', 'plan'];
  yield Object.fromEntries(keep.filter((k) => o[k] !== undefined).map((k) => [k, k === 'plan' ? { name: (o.plan as Raw | undefined)?.name } : o[k]]));
}

const MEMBERS_QUERY = `query ($org: String!, $cursor: String) {
  organization(login: $org) {
    membersWithRole(first: 100, after: $cursor) {
      edges { role node { databaseId login id organizationVerifiedDomainEmails(login: $org) } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

export async function* collectMembers(ctx: GitHubContext, out: DatasetOutput): AsyncGenerator<Raw> {
  if (ctx.subject) {
    const m = await restGet<Raw>(ctx.session, out.stats, 'GET /orgs/{org}/memberships/{username}', { org: ctx.org, username: ctx.subject }, {
      permission: GITHUB_PERMISSIONS.members,
      notFoundIsNull: true,
    });
    if (m && m.state !== 'pending') yield { role: (str(m, 'role') ?? '').toUpperCase(), user: userRef(m.user as Raw) };
    return;
  }
  const edges = graphqlList<{ role?: string; node?: Raw }>(ctx.session, out.stats, MEMBERS_QUERY, { org: ctx.org }, ['organization', 'membersWithRole'], {
    permission: GITHUB_PERMISSIONS.members,
  });
  for await (const e of edges) {
    const n = e.node ?? {};
    yield {
      role: e.role ?? null,
      user: { id: n.databaseId, login: n.login, node_id: n.id, organizationVerifiedDomainEmails: n.organizationVerifiedDomainEmails ?? null },
    };
  }
}

export async function* collectOutsideCollaborators(ctx: GitHubContext, out: DatasetOutput): AsyncGenerator<Raw> {
  const all = restList<Raw>(ctx.session, out.stats, 'GET /orgs/{org}/outside_collaborators', { org: ctx.org, filter: 'all' }, {
    permission: GITHUB_PERMISSIONS.outsideCollaborators,
  });
  for await (const u of all) {
    if (ctx.subject && String(u.login).toLowerCase() !== ctx.subject.toLowerCase()) continue;
    yield userRef(u)!;
  }
}

export async function* collectTeams(ctx: GitHubContext, out: DatasetOutput): AsyncGenerator<Raw> {
  const all = restList<Raw>(ctx.session, out.stats, 'GET /orgs/{org}/teams', { org: ctx.org }, { permission: GITHUB_PERMISSIONS.teams });
  for await (const t of all) {
    yield { id: t.id, slug: t.slug, name: t.name, privacy: t.privacy, permission: t.permission, parent: t.parent ? { id: (t.parent as Raw).id, slug: (t.parent as Raw).slug } : null };
  }
}

export async function* collectTeamMembers(ctx: GitHubContext, out: DatasetOutput): AsyncGenerator<Raw> {
  const teams: Raw[] = [];
  for await (const t of readWritten(out.dir, 'teams')) teams.push(t);
  yield* perParent(out, teams, 'teams', async function* (t) {
    const members = restList<Raw>(ctx.session, out.stats, 'GET /orgs/{org}/teams/{team_slug}/members', { org: ctx.org, team_slug: t.slug, role: 'all' }, {
      permission: GITHUB_PERMISSIONS.teamMembers,
    });
    for await (const m of members) yield { teamId: t.id, teamSlug: t.slug, member: userRef(m) };
  });
}

export async function* collectRepositories(ctx: GitHubContext, out: DatasetOutput): AsyncGenerator<Raw> {
  const all = restList<Raw>(ctx.session, out.stats, 'GET /orgs/{org}/repos', { org: ctx.org, type: 'all' }, { permission: GITHUB_PERMISSIONS.repositories });
  for await (const r of all) {
    const owner = r.owner as Raw | undefined;
    yield {
      id: r.id,
      node_id: r.node_id,
      name: r.name,
      full_name: r.full_name,
      owner: owner ? { id: owner.id, login: owner.login, type: owner.type } : null,
      private: r.private,
      visibility: r.visibility,
      archived: r.archived,
      fork: r.fork,
      default_branch: r.default_branch,
      created_at: r.created_at,
    };
  }
}
