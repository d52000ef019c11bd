// Ownerless machine identities
//
// Applications and service principals that had owners and now have only departed ones (rule
// nhi.ownerless): nobody accountable for the machine identity is left. For each: its owners (all
// departed), its credentials, and what it can do — for an application through its service
// principal — its application permissions (app role assignments on resource service principals)
// and directory roles.
//
// Parameters
//   $snapshot  a snapshot id, or null for the latest
//
// In Neo4j Browser:
//   :param snapshot => null
OPTIONAL MATCH (store:RevenantStore {name: 'default'})
WITH coalesce($snapshot, store.latest) AS snap
MATCH (finding:RevenantFinding {snapshot: snap, rule: 'nhi.ownerless'})-[:FINDING_VIA]->(machine)
WITH machine, count(finding) AS findings
CALL (machine) {
  MATCH owned = (owner)-[:OWNS]->(machine)
  RETURN collect(owned) AS owners, count(owner) AS ownerCount
}
CALL (machine) {
  OPTIONAL MATCH credential = (machine)-[:HAS_CREDENTIAL]->()
  RETURN collect(credential) AS credentials
}
CALL (machine) {
  OPTIONAL MATCH (sp)-[:INSTANCE_OF]->(machine)
  WITH coalesce(sp, CASE WHEN machine:EntraServicePrincipal THEN machine END) AS principal
  OPTIONAL MATCH permission = (principal)-[:HAS_APP_ROLE|HAS_ROLE]->()-[:ON_RESOURCE|OF_ROLE]->()
  RETURN collect(permission) AS permissions
}
RETURN machine, owners, credentials, permissions,
       machine.name AS name, machine.kind AS kind, ownerCount, findings AS departedOwnerFindings
ORDER BY machine.name
