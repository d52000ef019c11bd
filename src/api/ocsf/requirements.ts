/**
 * The required attributes and constraints of the OCSF 1.8 classes and objects Revenant emits,
 * vendored from the schema's own definition files (github.com/ocsf/ocsf-schema, the release
 * line that carries 1.8.0; paths below). Only what the emitted events touch is listed: the
 * event's own required attributes (base event + finding + the class), the `at_least_one`
 * constraints, and the required attributes of every object Revenant fills in. Tests check every
 * emitted event against these lists; `checkOcsfEvent` is also usable by callers.
 *
 * Derived from:
 * - events/base_event.json: activity_id, category_uid, class_uid, metadata, severity_id, time,
 *   type_uid are `required` (type_uid = class_uid * 100 + activity_id; category 2 = Findings).
 * - events/findings/finding.json: finding_info `required`; activity_id 1 Create, 2 Update,
 *   3 Close; status_id 1 New … 4 Resolved.
 * - events/findings/iam_analysis_finding.json (uid 8 → class_uid 2008): constraint
 *   at_least_one of access_analysis_result, identity_activity_metrics,
 *   permission_analysis_results (later revisions add `applications` to that list; Revenant
 *   always sets permission_analysis_results, which satisfies both).
 * - events/findings/detection_finding.json (uid 4 → class_uid 2004): no further requirement.
 * - objects/metadata.json: product, version `required`.
 * - objects/product.json (extends objects/_entity.json): at_least_one of name, uid.
 * - objects/finding_info.json: uid `required`.
 * - objects/analytic.json (extends _entity): type_id `required`; at_least_one of name, uid.
 * - objects/remediation.json: desc `required`.
 * - objects/user.json: at_least_one of account, name, uid.
 * - objects/resource_details.json (extends _resource → _entity): at_least_one of name, uid.
 * - objects/permission_analysis_result.json: nothing required (policy recommended).
 * - objects/policy.json (extends _entity): at_least_one of name, uid.
 */

export const OCSF_VERSION = '1.8.0';

export const FINDINGS_CATEGORY_UID = 2;

export interface OcsfClassDef {
  uid: number;
  name: string;
  required: readonly string[];
  atLeastOne?: readonly string[];
}

const BASE_REQUIRED = ['activity_id', 'category_uid', 'class_uid', 'metadata', 'severity_id', 'time', 'type_uid'] as const;
const FINDING_REQUIRED = [...BASE_REQUIRED, 'finding_info'] as const;

export const OCSF_CLASSES: Readonly<Record<2008 | 2004, OcsfClassDef>> = {
  2008: {
    uid: 2008,
    name: 'IAM Analysis Finding',
    required: FINDING_REQUIRED,
    atLeastOne: ['access_analysis_result', 'identity_activity_metrics', 'permission_analysis_results'],
  },
  2004: { uid: 2004, name: 'Detection Finding', required: FINDING_REQUIRED },
};

export interface OcsfObjectDef {
  required: readonly string[];
  atLeastOne?: readonly string[];
  isArray?: boolean;
}

/** Object-valued attributes of the events, by attribute name, with their object's requirements. */
export const OCSF_OBJECTS: Readonly<Record<string, OcsfObjectDef>> = {
  metadata: { required: ['product', 'version'] },
  'metadata.product': { required: [], atLeastOne: ['name', 'uid'] },
  finding_info: { required: ['uid'] },
  'finding_info.analytic': { required: ['type_id'], atLeastOne: ['name', 'uid'] },
  remediation: { required: ['desc'] },
  user: { required: [], atLeastOne: ['account', 'name', 'uid'] },
  resources: { required: [], atLeastOne: ['name', 'uid'], isArray: true },
  permission_analysis_results: { required: [], isArray: true },
  'permission_analysis_results.policy': { required: [], atLeastOne: ['name', 'uid'] },
};

export const ACTIVITY = { create: 1, update: 2, close: 3 } as const;
export const ACTIVITY_NAME: Readonly<Record<number, string>> = { 1: 'Create', 2: 'Update', 3: 'Close' };
export const STATUS_ID = { new: 1, resolved: 4 } as const;
export const SEVERITY_ID: Readonly<Record<string, number>> = { low: 2, medium: 3, high: 4, critical: 5 };
export const SEVERITY_NAME: Readonly<Record<number, string>> = { 0: 'Unknown', 1: 'Informational', 2: 'Low', 3: 'Medium', 4: 'High', 5: 'Critical', 6: 'Fatal', 99: 'Other' };

const present = (v: unknown) => v !== undefined && v !== null && !(typeof v === 'string' && v === '');

/** Problems with one event against the vendored definition (empty when it conforms). */
export function checkOcsfEvent(ev: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const cls = OCSF_CLASSES[ev.class_uid as 2008 | 2004];
  if (!cls) return [`class_uid ${String(ev.class_uid)} is not one Revenant emits`];
  for (const a of cls.required) if (!present(ev[a])) problems.push(`missing required ${a}`);
  if (cls.atLeastOne && !cls.atLeastOne.some((a) => present(ev[a]))) problems.push(`needs at least one of ${cls.atLeastOne.join(', ')}`);
  if (ev.category_uid !== FINDINGS_CATEGORY_UID) problems.push(`category_uid must be ${FINDINGS_CATEGORY_UID}`);
  if (ev.type_uid !== (ev.class_uid as number) * 100 + (ev.activity_id as number)) problems.push('type_uid must be class_uid * 100 + activity_id');
  if (![1, 2, 3].includes(ev.activity_id as number)) problems.push('activity_id must be 1, 2 or 3');
  if (typeof ev.time !== 'number' || !Number.isInteger(ev.time)) problems.push('time must be a timestamp in milliseconds');
  if (![0, 1, 2, 3, 4, 5, 6, 99].includes(ev.severity_id as number)) problems.push('severity_id out of range');
  for (const [path, def] of Object.entries(OCSF_OBJECTS)) {
    const parts = path.split('.');
    let values: unknown[] = [ev];
    for (const p of parts) {
      values = values.flatMap((v) => {
        const x = (v as Record<string, unknown> | undefined)?.[p];
        return Array.isArray(x) ? (x as unknown[]) : x === undefined ? [] : [x];
      });
    }
    for (const v of values) {
      if (typeof v !== 'object' || v === null) {
        problems.push(`${path} must be an object`);
        continue;
      }
      const o = v as Record<string, unknown>;
      for (const a of def.required) if (!present(o[a])) problems.push(`${path}: missing required ${a}`);
      if (def.atLeastOne && !def.atLeastOne.some((a) => present(o[a]))) problems.push(`${path}: needs at least one of ${def.atLeastOne.join(', ')}`);
    }
  }
  return problems;
}
