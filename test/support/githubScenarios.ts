/** The GitHub scenarios of test/scenarios that `load` accepts (EMU and those with an Azure folder are refused until their rules exist). */
export const ANALYSED_GITHUB_SCENARIOS: readonly string[] = ['github-outside-collaborator', 'github-saml-enforced', 'github-saml-not-enforced', 'github-workload-entra'];
