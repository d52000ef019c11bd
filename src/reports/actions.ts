/**
 * Top remediations grouped by action: every open finding maps, by its rule, to one action
 * ("remove client secrets from applications"), and the findings of one action are counted as
 * distinct units (secrets, memberships, tokens) and distinct objects (applications, groups), so
 * the report can say "remove 14 client secrets from 6 applications". Ordered by the worst
 * severity, then the live findings, then the size of the job.
 */
import type { Finding } from '../../queries/residual.js';
import type { PathStep } from '../../queries/residual-access/Rule.js';

type Picker = 'via' | 'subject' | 'beforeVia' | 'last' | 'finding';

interface ActionDef {
  verb: string;
  unit: [string, string];
  unitKey: Picker;
  /** `[singular, plural, preposition]`, or null when the unit is the object. */
  object: [string, string, string] | null;
  objectKey?: Picker;
}

const ACTIONS: Record<string, ActionDef> = {
  'entra.owned-app-secret': { verb: 'Remove', unit: ['client secret', 'client secrets'], unitKey: 'via', object: ['application', 'applications', 'from'], objectKey: 'beforeVia' },
  'entra.owned-app-certificate': { verb: 'Remove', unit: ['certificate', 'certificates'], unitKey: 'via', object: ['application', 'applications', 'from'], objectKey: 'beforeVia' },
  'entra.owned-app-federated-credential': { verb: 'Remove', unit: ['federated credential', 'federated credentials'], unitKey: 'via', object: ['application', 'applications', 'from'], objectKey: 'beforeVia' },
  'entra.credential-added-by-subject': { verb: 'Remove', unit: ['credential a leaver added', 'credentials leavers added'], unitKey: 'via', object: ['application', 'applications', 'to'], objectKey: 'beforeVia' },
  'entra.synced-disable-may-revert': { verb: 'Disable in on-premises AD', unit: ['synced account', 'synced accounts'], unitKey: 'subject', object: null },
  'entra.sessions-not-revoked': { verb: 'Revoke the sign-in sessions of', unit: ['account', 'accounts'], unitKey: 'subject', object: null },
  'entra.dormant-role': { verb: 'Remove', unit: ['directory role assignment or eligibility', 'directory role assignments and eligibilities'], unitKey: 'via', object: ['leaver account', 'leaver accounts', 'held by'], objectKey: 'subject' },
  'entra.dormant-ownership': { verb: 'Remove', unit: ['ownership', 'ownerships'], unitKey: 'finding', object: ['object', 'objects', 'of'], objectKey: 'via' },
  'entra.dormant-app-assignment': { verb: 'Remove', unit: ['app role assignment', 'app role assignments'], unitKey: 'via', object: ['application', 'applications', 'on'], objectKey: 'last' },
  'entra.dormant-consent-grant': { verb: 'Delete', unit: ['delegated consent grant', 'delegated consent grants'], unitKey: 'via', object: ['client application', 'client applications', 'for'], objectKey: 'last' },
  'entra.dormant-membership': { verb: 'Remove', unit: ['group membership', 'group memberships'], unitKey: 'finding', object: ['group', 'groups', 'from'], objectKey: 'via' },
  'nhi.ownerless': { verb: 'Assign an accountable owner to', unit: ['machine identity', 'machine identities'], unitKey: 'via', object: null },
  'okta.app-password-known': { verb: 'Change the password a leaver knows for', unit: ['app account', 'app accounts'], unitKey: 'finding', object: ['app', 'apps', 'in'], objectKey: 'via' },
  'okta.shared-app-password': { verb: 'Rotate the shared password of', unit: ['app', 'apps'], unitKey: 'via', object: null },
  'okta.downstream-account-not-deprovisioned': { verb: 'Deactivate', unit: ['downstream account', 'downstream accounts'], unitKey: 'finding', object: ['app', 'apps', 'in'], objectKey: 'via' },
  'okta.api-token-of-departed': { verb: 'Revoke', unit: ['API token', 'API tokens'], unitKey: 'via', object: null },
  'okta.refresh-token-active': { verb: 'Revoke', unit: ['refresh token', 'refresh tokens'], unitKey: 'via', object: ['account', 'accounts', 'of'], objectKey: 'subject' },
  'okta.service-app-credential-by-subject': { verb: 'Rotate', unit: ['client secret or key', 'client secrets and keys'], unitKey: 'via', object: ['service app', 'service apps', 'of'], objectKey: 'beforeVia' },
  'okta.idp-may-reactivate': { verb: 'Change the provisioning policy of', unit: ['identity provider', 'identity providers'], unitKey: 'via', object: null },
  'okta.dormant-role': { verb: 'Remove', unit: ['admin role assignment', 'admin role assignments'], unitKey: 'via', object: ['account', 'accounts', 'from'], objectKey: 'subject' },
  'okta.dormant-app-assignment': { verb: 'Remove', unit: ['app assignment', 'app assignments'], unitKey: 'finding', object: ['app', 'apps', 'from'], objectKey: 'via' },
  'okta.dormant-membership': { verb: 'Remove', unit: ['group membership', 'group memberships'], unitKey: 'finding', object: ['group', 'groups', 'from'], objectKey: 'via' },
  'person.other-account-active': { verb: 'Disable', unit: ['other active account of a leaver', 'other active accounts of leavers'], unitKey: 'via', object: null },
  'hr.leaver-account-enabled': { verb: 'Disable', unit: ['account of a terminated employee', 'accounts of terminated employees'], unitKey: 'via', object: null },
};

const GENERIC: ActionDef = { verb: 'Resolve', unit: ['finding', 'findings'], unitKey: 'finding', object: null };

function nodes(path: PathStep[]): { kind: string; id: string; name: string; source: string }[] {
  return path.filter((s): s is { kind: string; id: string; name: string; source: string } => 'kind' in s);
}

function pick(f: Finding, p: Picker): string {
  switch (p) {
    case 'via':
      return `${f.via.source}:${f.via.kind}:${f.via.id}`;
    case 'subject':
      return `${f.subject.source}:${f.subject.id}`;
    case 'finding':
      return f.id;
    case 'beforeVia': {
      const ns = nodes(f.path);
      const i = ns.findIndex((n) => n.id === f.via.id && n.kind === f.via.kind);
      const n = i > 0 ? ns[i - 1] : ns.at(-1);
      return n ? `${n.source}:${n.kind}:${n.id}` : f.id;
    }
    case 'last': {
      const n = nodes(f.path).at(-1);
      return n ? `${n.source}:${n.kind}:${n.id}` : f.id;
    }
  }
}

export interface RemediationGroup {
  rule: string;
  /** "Remove 14 client secrets from 6 applications". */
  action: string;
  units: number;
  objects: number | null;
  findings: number;
  byStatus: Record<string, number>;
  worstSeverity: string;
  /** One of the findings' remediation steps, as an example of the call to make. */
  example: string;
  /** Ids of the findings in this group. */
  findingIds: string[];
}

const SEV = ['critical', 'high', 'medium', 'low'];

export function groupRemediations(findings: Finding[]): RemediationGroup[] {
  const byRule = new Map<string, Finding[]>();
  for (const f of findings) (byRule.get(f.rule) ?? byRule.set(f.rule, []).get(f.rule)!).push(f);
  const out: RemediationGroup[] = [];
  for (const [rule, fs] of byRule) {
    const def = ACTIONS[rule] ?? GENERIC;
    const units = new Set(fs.map((f) => pick(f, def.unitKey))).size;
    const objects = def.object ? new Set(fs.map((f) => pick(f, def.objectKey ?? 'via'))).size : null;
    const unit = units === 1 ? def.unit[0] : def.unit[1];
    let action = `${def.verb} ${units} ${unit}`;
    if (def.object && objects !== null) action += ` ${def.object[2]} ${objects} ${objects === 1 ? def.object[0] : def.object[1]}`;
    const byStatus: Record<string, number> = {};
    for (const f of fs) byStatus[f.status] = (byStatus[f.status] ?? 0) + 1;
    const worst = fs.map((f) => f.severity as string).sort((a, b) => SEV.indexOf(a) - SEV.indexOf(b))[0];
    out.push({
      rule,
      action,
      units,
      objects,
      findings: fs.length,
      byStatus,
      worstSeverity: worst,
      example: fs.find((f) => f.remediation.length)?.remediation[0] ?? '',
      findingIds: fs.map((f) => f.id),
    });
  }
  return out.sort(
    (a, b) =>
      SEV.indexOf(a.worstSeverity) - SEV.indexOf(b.worstSeverity) ||
      (b.byStatus.live ?? 0) - (a.byStatus.live ?? 0) ||
      b.findings - a.findings ||
      a.rule.localeCompare(b.rule),
  );
}
