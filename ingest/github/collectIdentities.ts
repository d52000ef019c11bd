/**
 * GitHub collectors for identities an IdP asserts and for SAML enforcement:
 * `samlIdentities` (GraphQL `organization.samlIdentityProvider.externalIdentities`, or the
 * enterprise's provider when the organisation has none and `--enterprise` is given; each line
 * carries the provider's `issuer`, which names the IdP the NameID belongs to), `scimIdentities`
 * (SCIM `Users`, paged with `startIndex`/`count`; EMU at the enterprise), and `settings`: one line
 * `{"samlEnforcement", "emu"}` — from the enterprise query
 * `samlIdentityProviderSettingOrganizations(value:)` when the caller is an enterprise owner, else
 * from `--saml-enforcement`, else `unknown` (and the dataset `partial`: nobody said).
 */
import type { DatasetOutput } from '../collection/runDatasets.js';
import { SourceApiError } from '../collection/SourceApiError.js';
import { GITHUB_PERMISSIONS, type GitHubContext, type SamlEnforcement } from './GitHubContext.js';
import { githubError, graphqlList, restGet } from './githubPages.js';
import { obj, str } from '../collection/fields.js';

type Raw = Record<string, unknown>;

const IDENTITY_FIELDS = 'guid samlIdentity { nameId username } scimIdentity { username } user { databaseId login }';

const ORG_SAML_QUERY = `query ($org: String!, $cursor: String) {
  organization(login: $org) {
    samlIdentityProvider {
      issuer
      ssoUrl
      externalIdentities(first: 100, after: $cursor) { edges { node { ${IDENTITY_FIELDS} } } pageInfo { hasNextPage endCursor } }
    }
  }
}`;

const ORG_SAML_ONE_QUERY = `query ($org: String!, $login: String!, $cursor: String) {
  organization(login: $org) {
    samlIdentityProvider {
      issuer
      ssoUrl
      externalIdentities(first: 100, after: $cursor, login: $login) { edges { node { ${IDENTITY_FIELDS} } } pageInfo { hasNextPage endCursor } }
    }
  }
}`;

const ENTERPRISE_SAML_QUERY = `query ($enterprise: String!, $cursor: String) {
  enterprise(slug: $enterprise) {
    ownerInfo {
      samlIdentityProvider {
        issuer
        ssoUrl
        externalIdentities(first: 100, after: $cursor) { edges { node { ${IDENTITY_FIELDS} } } pageInfo { hasNextPage endCursor } }
      }
    }
  }
}`;

const ENFORCEMENT_QUERY = `query ($enterprise: String!, $value: IdentityProviderConfigurationState!, $cursor: String) {
  enterprise(slug: $enterprise) {
    ownerInfo {
      samlIdentityProviderSettingOrganizations(first: 100, after: $cursor, value: $value) {
        nodes { login databaseId }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}`;

export async function* collectSamlIdentities(ctx: GitHubContext, out: DatasetOutput, ledger: Raw = {}): AsyncGenerator<Raw> {
  let issuer: string | null = null;
  let level: 'organization' | 'enterprise' | 'none' = 'none';
  const grab = (path: string[]) => (data: unknown) => {
    let cur = data as Raw | null | undefined;
    for (const k of path) cur = cur?.[k] as Raw | null | undefined;
    issuer = (cur?.issuer as string | undefined) ?? null;
  };
  const orgQuery = ctx.subject ? ORG_SAML_ONE_QUERY : ORG_SAML_QUERY;
  const orgVars: Raw = ctx.subject ? { org: ctx.org, login: ctx.subject } : { org: ctx.org };
  for await (const e of graphqlList<{ node?: Raw }>(ctx.session, out.stats, orgQuery, orgVars, ['organization', 'samlIdentityProvider', 'externalIdentities'], {
    permission: GITHUB_PERMISSIONS.samlIdentities,
    onFirstPage: grab(['organization', 'samlIdentityProvider']),
  })) {
    level = 'organization';
    yield { issuer, ...(e.node ?? {}) };
  }
  if (issuer) level = 'organization';
  if (!issuer && ctx.enterprise) {
    for await (const e of graphqlList<{ node?: Raw }>(
      ctx.session,
      out.stats,
      ENTERPRISE_SAML_QUERY,
      { enterprise: ctx.enterprise },
      ['enterprise', 'ownerInfo', 'samlIdentityProvider', 'externalIdentities'],
      { permission: GITHUB_PERMISSIONS.samlIdentities, onFirstPage: grab(['enterprise', 'ownerInfo', 'samlIdentityProvider']) },
    )) {
      const node = e.node ?? {};
      if (ctx.subject && (str(obj(node, 'user'), 'login') ?? '').toLowerCase() !== ctx.subject.toLowerCase()) continue;
      yield { issuer, ...node };
    }
    if (issuer) level = 'enterprise';
  }
  // Recorded beside the dataset: which provider asserted these identities (none: no SAML at all).
  ledger.samlIssuer = issuer;
  ledger.samlLevel = level;
}

export async function* collectScimIdentities(ctx: GitHubContext, out: DatasetOutput): AsyncGenerator<Raw> {
  const route = ctx.emu ? 'GET /scim/v2/enterprises/{enterprise}/Users' : 'GET /scim/v2/organizations/{org}/Users';
  if (ctx.emu && !ctx.enterprise) throw new SourceApiError('EMU SCIM identities need --enterprise', { status: 0, providerCode: 'USAGE', path: route.slice(4) });
  const base: Raw = ctx.emu ? { enterprise: ctx.enterprise } : { org: ctx.org };
  const count = 100;
  let startIndex = 1;
  for (;;) {
    const page = await restGet<{ totalResults?: number; itemsPerPage?: number; Resources?: Raw[] }>(
      ctx.session,
      out.stats,
      route,
      { ...base, startIndex, count, headers: { accept: 'application/scim+json' } },
      { permission: GITHUB_PERMISSIONS.scimIdentities },
    );
    const items = page?.Resources ?? [];
    if (!Array.isArray(items)) throw new SourceApiError(`GitHub GET ${route.slice(4)}: no Resources array`, { status: 200, providerCode: 'MALFORMED_PAGE' });
    out.stats.objects += items.length - 1; // restGet counted the page as one object
    for (const u of items) {
      yield {
        id: u.id,
        externalId: u.externalId ?? null,
        userName: u.userName ?? null,
        active: u.active ?? null,
        displayName: u.displayName ?? null,
        emails: u.emails ?? null,
        meta: u.meta ? { created: (u.meta as Raw).created, lastModified: (u.meta as Raw).lastModified } : null,
      };
    }
    const total = Number(page?.totalResults ?? 0);
    out.progress(Math.min(total, startIndex - 1 + items.length), total);
    if (items.length === 0 || startIndex - 1 + items.length >= total) return;
    startIndex += items.length;
  }
}

/** Which enterprise list (ENFORCED, CONFIGURED) holds the organisation. */
async function enterpriseEnforcement(ctx: GitHubContext, out: DatasetOutput): Promise<SamlEnforcement> {
  for (const [value, answer] of [
    ['ENFORCED', 'enforced'],
    ['CONFIGURED', 'configured'],
  ] as const) {
    for await (const o of graphqlList<Raw>(ctx.session, out.stats, ENFORCEMENT_QUERY, { enterprise: ctx.enterprise, value }, [
      'enterprise',
      'ownerInfo',
      'samlIdentityProviderSettingOrganizations',
    ], { permission: GITHUB_PERMISSIONS.settings })) {
      if (String(o.login).toLowerCase() === ctx.org.toLowerCase()) return answer;
    }
  }
  return 'none';
}

export async function* collectSettings(ctx: GitHubContext, out: DatasetOutput): AsyncGenerator<Raw> {
  let enforcement: SamlEnforcement | undefined;
  let source = 'none';
  let failure: string | undefined;
  if (ctx.enterprise) {
    try {
      enforcement = await enterpriseEnforcement(ctx, out);
      source = 'enterprise';
    } catch (e) {
      if (out.signal.aborted) throw e;
      failure = githubError(e, 'graphql:enterprise.ownerInfo.samlIdentityProviderSettingOrganizations', GITHUB_PERMISSIONS.settings).reason;
    }
  }
  if (enforcement === undefined && ctx.samlEnforcement) {
    enforcement = ctx.samlEnforcement;
    source = 'operator';
  }
  if (ctx.emu) {
    // Enterprise Managed Users always sign in through the IdP.
    enforcement = 'enforced';
    source = source === 'none' ? 'emu' : source;
  }
  if (enforcement === undefined) {
    enforcement = 'unknown';
    out.incomplete(
      failure
        ? `SAML enforcement unknown: ${failure}; pass --saml-enforcement enforced|configured|none`
        : 'SAML enforcement unknown: no API answers it for an organisation (pass --enterprise as an enterprise owner, or --saml-enforcement enforced|configured|none)',
    );
  }
  yield { samlEnforcement: enforcement, emu: ctx.emu, enforcementSource: source };
}
