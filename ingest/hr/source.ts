/**
 * The HR roster, declared once for the source registry (ingest/sources.ts): one dataset,
 * `people` (datasets.ts, people.ts), no accounts of its own; its records correlate, name the
 * person they belong to and depart that person's accounts when terminated (record.ts). Its
 * "collector" is the roster import (`revenant import-hr`).
 */
import { NodeKind } from '../../src/model/schema.js';
import type { SourceDefinition } from '../../src/model/source.js';
import { HR_DATASET_DEFS } from './datasets.js';
import { HR_TRANSFORMS } from './people.js';
import { HR_RECORD } from './record.js';

export const HR_SOURCE: SourceDefinition = {
  kind: 'hr',
  title: 'HR roster',
  datasets: HR_DATASET_DEFS,
  load: HR_TRANSFORMS,
  identities: 'people',
  accounts: [],
  records: [HR_RECORD],
  names: { [NodeKind.HrPerson]: ['employeeId', 'email'] },
  capabilities: { collector: () => import('./importRoster.js') },
};
