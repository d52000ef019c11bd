/**
 * The ways Revenant can authenticate to Microsoft Graph: the Microsoft identity platform's modes
 * (src/model/microsoftCredential.ts, shared with Azure Resource Manager), a constant with no
 * dependencies so the CLI lists and checks them without loading `@azure/identity` (about 0.3 s of
 * every command's start) until a collector actually needs a credential (GraphTokenProvider).
 */
export { MICROSOFT_AUTH_MODES as GRAPH_AUTH_MODES, type MicrosoftAuthMode as GraphAuthMode } from '../../src/model/microsoftCredential.js';
