/** The GitHub scenarios of test/scenarios the engines analyse (all of them). */
export const ANALYSED_GITHUB_SCENARIOS: readonly string[] = ['github-emu', 'github-outside-collaborator', 'github-saml-enforced', 'github-saml-not-enforced', 'github-workload-entra', 'github-workload-path'];

/** The scenarios of test/scenarios with an Azure folder (github-workload-path has both). */
export const AZURE_SCENARIOS: readonly string[] = ['azure-coverage-lost', 'azure-roles', 'github-workload-path'];

/** Every scenario of test/scenarios the engines analyse. */
export const ANALYSED_SOURCE_SCENARIOS: readonly string[] = [...new Set([...ANALYSED_GITHUB_SCENARIOS, ...AZURE_SCENARIOS])].sort();
