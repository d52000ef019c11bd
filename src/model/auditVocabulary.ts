/**
 * The audit-log words the rules read (queries/ never imports a source folder, so what both a
 * source's transforms and the rules name lives here, as src/model/githubSchema.ts does for
 * GitHub): the Entra directory audit activities kept (`activityDisplayName`, normalised) and the
 * Okta System Log event types that create, activate or read a service app's credentials.
 */

/** Entra directory audit activities the collector keeps and the rules read. */
export const EntraActivity = {
  disableAccount: 'Disable account',
  addSpCredentials: 'Add service principal credentials',
  updateAppCredentials: 'Update application - Certificates and secrets management',
} as const;

/** Okta System Log event types about a service app's credentials (kept by the collector, read by okta.service-app-credential-by-subject). */
export const OKTA_CREDENTIAL_EVENTS: ReadonlySet<string> = new Set([
  'app.oauth2.credentials.lifecycle.create',
  'app.oauth2.credentials.lifecycle.activate',
  'app.oauth2.client.read_client_secret',
]);
