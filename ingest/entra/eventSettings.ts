/**
 * Entra's section of the server config, `events.entra` (SourceCapabilities.eventSettings): the
 * Graph notifications' clientState, the public URLs of the change and lifecycle notifications
 * (subscriptions made by `revenant subscribe entra` and the reauthorisation chore), and
 * `collect`, how refreshes, `watch` and subscriptions read the tenant (the connection schema of
 * connection.ts). Read by the config's validation; events.ts reads the section as written here.
 */
import type { EventSettingsDef } from '../../src/model/sourceEvents.js';
import { ENTRA_CONNECTION } from './connection.js';

const httpsUrl = { type: 'string', pattern: '^https?://', maxLength: 2048 };

export const ENTRA_EVENT_SETTINGS: EventSettingsDef = {
  properties: {
    clientState: { type: 'string', minLength: 1, maxLength: 8192 },
    notificationUrl: httpsUrl,
    lifecycleNotificationUrl: httpsUrl,
    collect: ENTRA_CONNECTION.configSchema,
  },
};
