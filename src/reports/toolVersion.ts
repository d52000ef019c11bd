/** The version a report's method appendix names: Revenant's own. */
export { VERSION as TOOL_VERSION } from '../model/version.js';
