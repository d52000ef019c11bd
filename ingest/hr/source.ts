/**
 * The HR roster, declared once for the source registry (ingest/sources.ts): one dataset,
 * `people` (datasets.ts, people.ts), no accounts of its own; its records correlate, name the
 * person they belong to and depart that person's accounts when terminated (record.ts). Its
 * "collector" is the roster import (`revenant collect hr`, collectCommand.ts).
 */
import { NodeKind } from '../../src/model/schema.js';
import type { SourceDefinition } from '../../src/model/source.js';
import { HR_DATASET_DEFS } from './datasets.js';
import { HR_RECORDS } from './records.js';
import { withRecords } from '../collection/recordSpec.js';
import { HR_TRANSFORMS } from './people.js';
import { HR_RECORD } from './record.js';

export const HR_SOURCE: SourceDefinition = {
  kind: 'hr',
  title: 'HR roster',
  datasets: withRecords(HR_DATASET_DEFS, HR_RECORDS),
  load: HR_TRANSFORMS,
  identities: 'people',
  accounts: [],
  records: [HR_RECORD],
  names: { [NodeKind.HrPerson]: ['employeeId', 'email'] },
  capabilities: {
    collector: {
      description: 'import an HR roster CSV (employeeId,email,displayName,status,terminationDate) into <out>/hr',
      common: false,
      options: [
        { flags: '--csv <file>', description: 'the roster', required: true },
        { flags: '--out <dir>', description: 'collection folder (default ./collection-<today>)' },
        { flags: '--system <name>', description: 'name of the HR system, recorded as the source tenant', default: 'hr' },
        { flags: '--force', description: 'replace an existing <out>/hr' },
      ],
      load: () => import('./collectCommand.js'),
    },
  },
};
