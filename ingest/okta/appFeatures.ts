/**
 * Okta `appFeatures`: `{appId, feature}` → (app)-[:HAS_FEATURE]->(OktaAppFeature). The
 * USER_PROVISIONING record's `capabilities.update.lifecycleDeactivate.status` decides, with the
 * app's `features`, whether the app pushes deactivation downstream.
 */
import type { Emit } from '../../src/model/Emit.js';
import { IdSpace } from '../../src/model/ids.js';
import { EdgeKind, NodeKind } from '../../src/model/schema.js';
import type { OktaAppFeatureProps } from '../../src/model/types.js';
import { type Raw, obj, path, str } from '../collection/fields.js';
import { appRef } from './common.js';

export function transformAppFeatures(raw: Raw, emit: Emit): void {
  const f = obj(raw, 'feature');
  const appId = str(raw, 'appId') ?? '';
  const name = str(f, 'name') ?? '';
  const props: OktaAppFeatureProps = {
    name,
    status: str(f, 'status'),
    lifecycleDeactivate: str(path(f, 'capabilities', 'update', 'lifecycleDeactivate'), 'status'),
  };
  const key = emit.node(NodeKind.OktaAppFeature, IdSpace.oktaFeature, `${appId}:${name}`, props);
  emit.edge(EdgeKind.HAS_FEATURE, appRef(emit, appId), key);
}
