// Every live path reaching tier 0
//
// The residual access that is usable now (status live) and reaches tier 0 — Global
// Administrator and its peers at "/", tier-0 Microsoft Graph application permissions, Okta
// SUPER_ADMIN / ORG_ADMIN or okta.*.manage scopes — drawn end to end: the departed account, the
// finding, the path to what it names (an owned app's secret, another account of the same person,
// a service app's client secret …), and from there the privilege path to the tenant it controls
// through the derived CAN_ADD_CREDENTIALS, CAN_GRANT_ROLES, CAN_MANAGE_GROUPS and CONTROLS_TENANT
// edges (null for a tier-0 permission with no derived edge, such as
// ServicePrincipalEndpoint.ReadWrite.All).
//
// Parameters
//   $snapshot  a snapshot id, or null for the latest
//
// In Neo4j Browser:
//   :param snapshot => null
OPTIONAL MATCH (store:RevenantStore {name: 'default'})
WITH coalesce($snapshot, store.latest) AS snap
MATCH (finding:RevenantFinding {snapshot: snap})
WHERE finding.status = 'live' AND finding.tier0 = true
MATCH (finding)-[:FINDING_SUBJECT]->(account)
MATCH (finding)-[:FINDING_VIA]->(target)
OPTIONAL CALL (account, target) {
  WITH account, target WHERE target <> account
  MATCH residual = shortestPath((account)-[:OWNS|HAS_CREDENTIAL|MEMBER_OF|SAME_PERSON|BELONGS_TO|INITIATED|TARGETS|APP_USER|HAS_API_TOKEN*1..8]-(target))
  RETURN residual
}
OPTIONAL CALL (snap, target) {
  // What a credential signs in as, an application's service principal, or the account itself.
  OPTIONAL MATCH (sp)-[:INSTANCE_OF]->(target)
  WITH snap, coalesce(sp, target) AS holder
  CALL (snap) {
    MATCH (tenant:EntraTenant {snapshot: snap}) RETURN tenant
    UNION
    MATCH (tenant:OktaOrg {snapshot: snap}) RETURN tenant
  }
  MATCH privilege = shortestPath((holder)-[:AUTHENTICATES_AS|MEMBER_OF|HAS_ROLE|HAS_APP_ROLE|HAS_GRANT|CAN_ADD_CREDENTIALS|CAN_GRANT_ROLES|CAN_MANAGE_GROUPS|CONTROLS_TENANT*1..8]->(tenant))
  RETURN privilege ORDER BY length(privilege) LIMIT 1
}
RETURN account, finding, target, residual, privilege,
       finding.rule AS rule, finding.subjectName AS subject, finding.viaName AS via, finding.severity AS severity
ORDER BY finding.rule, finding.subjectName
