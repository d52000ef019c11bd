/** `entra.owned-app-certificate` (live): a certificate on an application or service principal the subject owns. */
import { NodeKind } from '../../src/model/schema.js';
import { ownedCredentialRule } from './ownedCredentialRule.js';

export const entraOwnedAppCertificate = ownedCredentialRule(
  'entra.owned-app-certificate',
  'Certificate on an app the subject owns outlives the subject',
  NodeKind.KeyCredential,
  { verb: 'Remove', unit: ['certificate', 'certificates'], unitKey: 'via', object: ['application', 'applications', 'from'], objectKey: 'beforeVia' },
);
