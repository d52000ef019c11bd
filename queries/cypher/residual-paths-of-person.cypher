// Residual paths of one person
//
// Every residual-access finding stored for any account of one person (Entra and Okta accounts
// correlated to the same human), with the path in the graph from the account to what the
// finding names. In Neo4j Browser the result draws the person, their accounts, the findings and
// the owned apps, credentials, groups, roles and tokens that outlive them.
//
// Parameters
//   $person    who: a mail address, UPN, Okta login, employee id, account id or person id
//              (compared case-insensitively with the names revenant indexes)
//   $snapshot  a snapshot id (see `revenant snapshots --neo4j …`), or null for the latest
//
// In Neo4j Browser:
//   :param person => 'alice@contoso.com'
//   :param snapshot => null
OPTIONAL MATCH (store:RevenantStore {name: 'default'})
WITH coalesce($snapshot, store.latest) AS snap, toLower(trim($person)) AS who
CALL (snap, who) {
  MATCH (n:RevenantNode {snapshot: snap, lk0: who}) RETURN n
  UNION MATCH (n:RevenantNode {snapshot: snap, lk1: who}) RETURN n
  UNION MATCH (n:RevenantNode {snapshot: snap, lk2: who}) RETURN n
  UNION MATCH (n:RevenantNode {snapshot: snap, lk3: who}) RETURN n
  UNION MATCH (n:RevenantNode {snapshot: snap, lk4: who}) RETURN n
  UNION MATCH (n:RevenantNode {snapshot: snap, lk5: who}) RETURN n
  UNION MATCH (n:RevenantNode {snapshot: snap, lk6: who}) RETURN n
  UNION MATCH (n:RevenantNode {snapshot: snap, lk7: who}) RETURN n
}
OPTIONAL MATCH (n)-[:BELONGS_TO]->(owner:Person)
WITH DISTINCT snap, coalesce(owner, CASE WHEN n:Person THEN n END) AS person
WHERE person IS NOT NULL
MATCH (person)<-[belongs:BELONGS_TO]-(account)
WHERE account:EntraUser OR account:OktaUser
MATCH (finding:RevenantFinding {snapshot: snap})-[subject:FINDING_SUBJECT]->(account)
OPTIONAL MATCH (finding)-[via:FINDING_VIA]->(target)
OPTIONAL CALL (account, target) {
  WITH account, target WHERE target <> account
  MATCH residual = shortestPath((account)-[:OWNS|HAS_CREDENTIAL|MEMBER_OF|HAS_ROLE|ELIGIBLE_FOR|OF_ROLE|HAS_APP_ROLE|ON_RESOURCE|CONSENTED|FOR_CLIENT|APP_USER|ASSIGNED_TO|HAS_API_TOKEN|HAS_REFRESH_TOKEN|INITIATED|TARGETS|SAME_PERSON|INSTANCE_OF|AUTHENTICATES_AS*1..8]-(target))
  RETURN residual
}
RETURN person, belongs, account, finding, subject, via, target, residual,
       finding.rule AS rule, finding.status AS status, finding.severity AS severity, finding.validUntil AS validUntil
ORDER BY CASE finding.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, finding.rule, account.key
