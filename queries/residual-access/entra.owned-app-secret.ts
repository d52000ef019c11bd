/** `entra.owned-app-secret` (live): a secret on an application or service principal the subject owns. */
import { NodeKind } from '../../src/model/schema.js';
import { ownedCredentialRule } from './ownedCredentialRule.js';

export const entraOwnedAppSecret = ownedCredentialRule(
  'entra.owned-app-secret',
  'Secret on an app the subject owns outlives the subject',
  NodeKind.PasswordCredential,
  { verb: 'Remove', unit: ['client secret', 'client secrets'], unitKey: 'via', object: ['application', 'applications', 'from'], objectKey: 'beforeVia' },
);
