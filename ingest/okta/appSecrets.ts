/** Okta `appSecrets`: `{appId, secret}` → (app)-[:HAS_CREDENTIAL]->(OktaClientSecret). The secret value is never collected. */
import { IdSpace } from '../../src/model/ids.js';
import { NodeKind } from '../../src/model/schema.js';
import { appCredentialTransform } from './common.js';

export const transformAppSecrets = appCredentialTransform('secret', NodeKind.OktaClientSecret, IdSpace.oktaSecret);
