/**
 * `revenant collect azure`, declared for the source registry (ingest/azure/source.ts): the command's
 * description, its options and the datasets `--skip` takes; the collector (collectCommand.ts)
 * is loaded only when the command runs.
 */
import type { CollectorDef } from '../../src/model/source.js';
import { AZURE_DATASETS } from './AzureContext.js';

export const AZURE_COLLECTOR: CollectorDef & { datasets: readonly string[] } = {
  description:
    'read the Azure resource plane of an Entra tenant (management groups, subscriptions, RBAC, PIM, managed identities) through the Azure management SDKs into <out>/azure',
  datasets: AZURE_DATASETS,
  options: [
    { flags: '--tenant <tenant>', description: 'the Entra tenant id (also the tenant root management group)', required: true },
    { flags: '--arm-url <url>', description: 'Azure Resource Manager endpoint', default: 'https://management.azure.com' },
    { flags: '--authority-host <url>', description: 'Entra authority (national clouds), e.g. https://login.microsoftonline.us' },
    { flags: '--auth <mode>', description: 'token (REVENANT_AZURE_TOKEN) | env (AZURE_* variables) | certificate | managed-identity | default (credential chain)' },
    { flags: '--client-id <id>', description: 'application (client) id for --auth certificate or a user-assigned managed identity' },
    { flags: '--certificate <file>', description: 'PEM file holding the certificate and its private key (--auth certificate)' },
  ],
  load: () => import('./collectCommand.js'),
};
