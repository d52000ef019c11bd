/** Okta `appJwks`: `{appId, jwk}` → (app)-[:HAS_CREDENTIAL]->(OktaJwk). Only public key material is ever collected. */
import { IdSpace } from '../../src/model/ids.js';
import { NodeKind } from '../../src/model/schema.js';
import { appCredentialTransform } from './common.js';

export const transformAppJwks = appCredentialTransform('jwk', NodeKind.OktaJwk, IdSpace.oktaJwk);
