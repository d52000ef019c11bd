/** Every rule of the catalogue (`residual-access-rules.md`), in catalogue order. */
import { azureDormantRole } from './azure.dormant-role.js';
import { azureRoleHeldByDepartedGuest } from './azure.role-held-by-departed-guest.js';
import { entraCredentialAddedBySubject } from './entra.credential-added-by-subject.js';
import { entraDormantAppAssignment } from './entra.dormant-app-assignment.js';
import { entraDormantConsentGrant } from './entra.dormant-consent-grant.js';
import { entraDormantMembership } from './entra.dormant-membership.js';
import { entraDormantOwnership } from './entra.dormant-ownership.js';
import { entraDormantRole } from './entra.dormant-role.js';
import { entraOwnedAppCertificate } from './entra.owned-app-certificate.js';
import { entraOwnedAppFederatedCredential } from './entra.owned-app-federated-credential.js';
import { entraOwnedAppSecret } from './entra.owned-app-secret.js';
import { entraSessionsNotRevoked } from './entra.sessions-not-revoked.js';
import { entraSyncedDisableMayRevert } from './entra.synced-disable-may-revert.js';
import { githubAppOwnedByDeparted } from './github.app-owned-by-departed.js';
import { githubDeployKeyByDeparted } from './github.deploy-key-by-departed.js';
import { githubDepartedMember } from './github.departed-member.js';
import { githubFineGrainedPatOfDeparted } from './github.fine-grained-pat-of-departed.js';
import { githubOutsideCollaboratorDeparted } from './github.outside-collaborator-departed.js';
import { githubSsoCredentialOfDeparted } from './github.sso-credential-of-departed.js';
import { githubWorkflowFederatedCredential } from './github.workflow-federated-credential.js';
import { hrLeaverAccountEnabled } from './hr.leaver-account-enabled.js';
import { nhiOwnerless } from './nhi.ownerless.js';
import { oktaApiTokenOfDeparted } from './okta.api-token-of-departed.js';
import { oktaAppPasswordKnown } from './okta.app-password-known.js';
import { oktaDormantAppAssignment } from './okta.dormant-app-assignment.js';
import { oktaDormantMembership } from './okta.dormant-membership.js';
import { oktaDormantRole } from './okta.dormant-role.js';
import { oktaDownstreamAccountNotDeprovisioned } from './okta.downstream-account-not-deprovisioned.js';
import { oktaIdpMayReactivate } from './okta.idp-may-reactivate.js';
import { oktaRefreshTokenActive } from './okta.refresh-token-active.js';
import { oktaServiceAppCredentialBySubject } from './okta.service-app-credential-by-subject.js';
import { oktaSharedAppPassword } from './okta.shared-app-password.js';
import { personOtherAccountActive } from './person.other-account-active.js';
import type { Rule } from './Rule.js';
import { SOURCES } from '../../ingest/sources.js';

export const RULES: readonly Rule[] = [
  entraOwnedAppSecret,
  entraOwnedAppCertificate,
  entraOwnedAppFederatedCredential,
  entraCredentialAddedBySubject,
  entraSyncedDisableMayRevert,
  entraSessionsNotRevoked,
  entraDormantRole,
  entraDormantOwnership,
  entraDormantAppAssignment,
  entraDormantConsentGrant,
  entraDormantMembership,
  nhiOwnerless,
  oktaAppPasswordKnown,
  oktaSharedAppPassword,
  oktaDownstreamAccountNotDeprovisioned,
  oktaApiTokenOfDeparted,
  oktaRefreshTokenActive,
  oktaServiceAppCredentialBySubject,
  oktaIdpMayReactivate,
  oktaDormantRole,
  oktaDormantAppAssignment,
  oktaDormantMembership,
  personOtherAccountActive,
  hrLeaverAccountEnabled,
  githubDepartedMember,
  githubOutsideCollaboratorDeparted,
  githubSsoCredentialOfDeparted,
  githubFineGrainedPatOfDeparted,
  githubDeployKeyByDeparted,
  githubAppOwnedByDeparted,
  githubWorkflowFederatedCredential,
  azureDormantRole,
  azureRoleHeldByDepartedGuest,
];

const BY_ID = new Map<string, Rule>(RULES.map((r) => [r.id, r]));

/** The rules registered sources bring (SourceDefinition.rules), in registration order. */
function sourceRules(): readonly Rule[] {
  return SOURCES.all().flatMap((s) => (s.rules ?? []) as readonly Rule[]);
}

let memo: { version: number; rules: readonly Rule[] } | undefined;

/**
 * The catalogue's rules, then those registered sources bring: what the engines run. The same
 * array until a source registers (a sweep asks for it per subject and per comparison).
 */
export function allRules(): readonly Rule[] {
  if (memo?.version === SOURCES.version) return memo.rules;
  const extra = sourceRules();
  memo = { version: SOURCES.version, rules: extra.length ? [...RULES, ...extra] : RULES };
  return memo.rules;
}

/** The rule with this id, if the catalogue or a registered source has one. */
export function ruleById(id: string): Rule | undefined {
  return BY_ID.get(id) ?? sourceRules().find((r) => r.id === id);
}
