/** Okta `apps`: OktaApp nodes with sign-on mode, credential scheme, provisioning features and OAuth application type. */
import type { Emit } from '../../src/model/Emit.js';
import { IdSpace } from '../../src/model/ids.js';
import { NodeKind } from '../../src/model/schema.js';
import type { OktaAppProps } from '../../src/model/types.js';
import { type Raw, bool, obj, path, str, strs } from '../collection/fields.js';

export function transformApps(raw: Raw, emit: Emit): void {
  const id = str(raw, 'id') ?? '';
  const creds = obj(raw, 'credentials');
  const props: OktaAppProps = {
    name: str(raw, 'label') ?? str(raw, 'name') ?? id,
    label: str(raw, 'label'),
    status: str(raw, 'status'),
    signOnMode: str(raw, 'signOnMode'),
    features: strs(raw, 'features'),
    scheme: str(creds, 'scheme'),
    revealPassword: bool(creds, 'revealPassword'),
    applicationType: str(path(raw, 'settings', 'oauthClient'), 'application_type'),
  };
  emit.node(NodeKind.OktaApp, IdSpace.oktaApp, id, props);
}
