/**
 * The Azure resource plane's part of the privilege graph and of reach (sources-azure.md "Reach,
 * tier 0 and severity"): an Entra user, group or service principal, or a user-assigned managed
 * identity, controls what its active role assignments grant (AZURE_ROLE, reached but not
 * expanded; PIM eligibilities must be activated first; an assignment whose PIM schedule
 * instances all ended is not held: src/model/azureSchedule.ts); the privilege an assignment confers; and
 * its reach in both engines — the Azure roles a principal holds extend Entra's `entraObject`
 * (what controlling an Entra object, or a managed identity a credential signs in as, gives: the
 * workload path and every Entra rule that carries it) and `azureRole` (one assignment or
 * eligibility, embedded; the rules' Cypher rows carry `azureRole` facts). The functions are in
 * reach.ts.
 */
import { AzureEdge, AzureKind } from '../../src/model/azureSchema.js';
import { assignmentActive, assignmentActiveCypher } from '../../src/model/azureSchedule.js';
import { NO_REACH, reachOf } from '../../src/model/reach.js';
import { NodeKind } from '../../src/model/schema.js';
import type { PrivilegeStep, SourcePrivileges } from '../../src/model/source.js';
import { AZURE_FACTS, azureHolderReach, azureReachCypher, azureRolePrivilege } from './reach.js';

/** Holding an assignment: only while it is active (not ended through its PIM schedule instances). */
const HOLDS: readonly PrivilegeStep[] = [{ edge: AzureEdge.AZURE_ROLE, terminal: true, active: { of: (n, g, ctx) => n.kind !== AzureKind.AzureRoleAssignment || assignmentActive(g, n, ctx), cypher: assignmentActiveCypher } }];

export const AZURE_PRIVILEGES: SourcePrivileges = {
  steps: {
    [NodeKind.EntraUser]: HOLDS,
    [NodeKind.EntraGroup]: HOLDS,
    [NodeKind.EntraServicePrincipal]: HOLDS,
    [AzureKind.AzureManagedIdentity]: HOLDS,
  },
  privilegeOf(n, edge, g) {
    if (n.kind !== AzureKind.AzureRoleAssignment || edge !== AzureEdge.AZURE_ROLE) return null;
    return azureRolePrivilege(g, n);
  },
  isTier0(n, g) {
    return n.kind === AzureKind.AzureRoleAssignment && azureRolePrivilege(g, n)?.tier0 === true;
  },
  tierFacts: { [AzureKind.AzureRoleAssignment]: [{ edge: AzureEdge.OF_AZURE_ROLE, dir: 'out' }] },
  reach: {
    azureRole: {
      of: (g, key) => {
        const n = g.node(key);
        const p = n ? azureRolePrivilege(g, n) : null;
        return p ? reachOf([p]) : NO_REACH;
      },
    },
  },
  // What controlling an Entra object gives includes the Azure roles it holds (the contract's "Reach
  // gains Azure roles": owned-app credentials, a leaver's account, sessions, synced, memberships, ownerships).
  extends: { entraObject: { of: azureHolderReach, cypher: azureReachCypher } },
  facts: AZURE_FACTS,
  listed: [AzureKind.AzureRoleAssignment],
};
