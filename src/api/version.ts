/** The version the API reports (OpenAPI document, OCSF metadata.product.version): Revenant's own. */
export { VERSION as API_VERSION } from '../model/version.js';
