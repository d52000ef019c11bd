/**
 * The GitHub datasets of a `github` source folder (sources-github.md), in collection order, with
 * the JSON Schema each line must satisfy: only what analysis relies on (GitHub's numeric ids, the
 * login, and the type of every field a rule reads); unknown fields and missing optional fields
 * are tolerated. Lines have no `id` field of their own to check for uniqueness (numeric ids, or
 * lines wrapping the object: `{role, user}`, `{repoId, key}`).
 */
import type { DatasetDef } from '../../src/model/source.js';
import { type Schema, str, strN, boolN, dateN, arrN, obj, objN } from '../collection/lineSchema.js';
import { GITHUB_DATASETS, type GitHubDataset } from './GitHubContext.js';

const int: Schema = { type: 'integer' };
const intN: Schema = { type: ['integer', 'null'] };
const anyObject: Schema = { type: 'object' };
const account = obj({ id: int, login: str, organizationVerifiedDomainEmails: arrN(str) }, ['id', 'login']);

const SCHEMAS: Record<GitHubDataset, Schema> = {
  organization: obj({ id: int, login: str }, ['id', 'login']),
  members: obj({ role: str, user: account }, ['role', 'user']),
  outsideCollaborators: account,
  teams: anyObject,
  teamMembers: anyObject,
  repositories: obj({ id: int, full_name: str }, ['id', 'full_name']),
  repoCollaborators: obj({ repoId: int, collaborator: obj({ id: int, login: str, role_name: strN }, ['id', 'login']) }, ['repoId', 'collaborator']),
  deployKeys: obj({ repoId: int, key: obj({ id: int, title: strN, added_by: strN, read_only: boolN, enabled: boolN }, ['id']) }, ['repoId', 'key']),
  credentialAuthorizations: obj(
    { login: str, credential_id: int, credential_type: strN, scopes: arrN(str), authorized_credential_expires_at: dateN, authorized_credential_title: strN },
    ['login', 'credential_id'],
  ),
  personalAccessTokens: obj(
    { id: int, owner: obj({ id: int, login: strN }, ['id']), token_name: strN, token_expires_at: dateN, token_expired: boolN, permissions: objN({}) },
    ['id', 'owner'],
  ),
  samlIdentities: obj({ issuer: strN, samlIdentity: objN({ nameId: strN }), scimIdentity: objN({ username: strN }), user: objN({ databaseId: intN, login: strN }) }),
  scimIdentities: obj({ id: str, externalId: strN, userName: strN, active: boolN }, ['id']),
  settings: obj({ samlEnforcement: { enum: ['enforced', 'configured', 'none', 'unknown'] }, emu: boolN }, ['samlEnforcement']),
  appInstallations: obj({ id: int, app_id: intN, app_slug: strN, permissions: objN({}) }, ['id']),
  apps: obj({ id: int, slug: strN, name: strN, owner: objN({ id: intN, login: strN, type: strN }) }, ['id']),
  auditLog: anyObject,
};

export const GITHUB_DATASET_DEFS: readonly DatasetDef[] = GITHUB_DATASETS.map((name) => ({ name, schema: SCHEMAS[name], idField: null }));
