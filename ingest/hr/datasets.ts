/**
 * The HR dataset of `revenant-collection/1`: `people`, one roster record a line, identified by
 * an employee id or a mail (at least one of them), with a status and a termination date.
 */
import type { DatasetDef } from '../../src/model/source.js';
import { dateN, obj, str, strN } from '../collection/lineSchema.js';

export const HR_DATASETS = ['people'] as const;
export type HrDataset = (typeof HR_DATASETS)[number];

/** The datasets as the source registry reads them. HR lines have no id of their own. */
export const HR_DATASET_DEFS: readonly DatasetDef[] = [
  {
    name: 'people',
    idField: null,
    anyOfProblem: { field: 'employeeId/email', problem: 'one of them is required (a non-empty string)' },
    schema: {
      ...obj(
        {
          employeeId: strN,
          email: strN,
          displayName: strN,
          status: { enum: ['active', 'terminated'] },
          terminationDate: dateN,
        },
        ['status'],
      ),
      anyOf: [
        { required: ['employeeId'], properties: { employeeId: str } },
        { required: ['email'], properties: { email: str } },
      ],
    },
  },
];
