/**
 * Okta's section of the server config, `events.okta` (SourceCapabilities.eventSettings): the
 * event hook's shared secret and the header it comes in (lower-cased; default
 * `x-revenant-hook-secret`), and `collect`, how refreshes and `watch` read the org (the
 * connection schema of connection.ts). Read by the config's validation; events.ts and webhook.ts
 * read the section as written here.
 */
import type { EventSettingsDef } from '../../src/model/sourceEvents.js';
import { OKTA_CONNECTION } from './connection.js';

/** The header an Okta event hook carries its shared secret in when the config names none. */
export const DEFAULT_HOOK_SECRET_HEADER = 'x-revenant-hook-secret';

export const OKTA_EVENT_SETTINGS: EventSettingsDef = {
  properties: {
    hookSecret: { type: 'string', minLength: 1, maxLength: 8192 },
    hookSecretHeader: { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$' },
    collect: OKTA_CONNECTION.configSchema,
  },
  normalise(section) {
    const h = section.hookSecretHeader;
    section.hookSecretHeader = (typeof h === 'string' ? h : DEFAULT_HOOK_SECRET_HEADER).toLowerCase();
  },
};
