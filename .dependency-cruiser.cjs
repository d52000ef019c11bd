/**
 * Import direction (docs/architecture.md, "Dependency direction"), checked by dependency-cruiser:
 * `npm run lint` runs `depcruise` with this file, and test/drift/architecture.test.ts runs the same
 * rules through the API and checks that the document names each of them. Runtime imports only
 * (type-only imports are erased). Imports that break a rule today and are being moved (the source
 * registry of issue 15 moves source knowledge into the source folders) are listed, each by file, in
 * .dependency-cruiser-known-violations.json; a new one fails. After removing one, regenerate the list:
 * `npx depcruise src ingest queries --config .dependency-cruiser.cjs --output-type baseline > .dependency-cruiser-known-violations.json`.
 */
const SOURCES = '(entra|okta|hr|github|azure)';

module.exports = {
  forbidden: [
    {
      name: 'model-imports-nothing',
      comment: 'src/model is the schema every layer shares; it imports nothing of ours outside itself.',
      severity: 'error',
      from: { path: '^src/model/' },
      to: { path: '^(src|ingest|queries|test)/', pathNot: '^src/model/' },
    },
    {
      name: 'ingest-imports-only-model',
      comment: 'Collecting never analyses: ingest/ imports only src/model (and other ingest/ folders).',
      severity: 'error',
      from: { path: '^ingest/' },
      to: { path: '^(src|queries|test)/', pathNot: '^src/model/' },
    },
    {
      name: 'sources-are-independent',
      comment: 'A source folder (ingest/entra, okta, hr, github, azure) does not import another source; shared code goes to ingest/collection.',
      severity: 'error',
      from: { path: `^ingest/${SOURCES}/` },
      to: { path: `^ingest/${SOURCES}/`, pathNot: '^ingest/$1/' },
    },
    {
      name: 'analysis-never-imports-a-collector',
      comment: 'Analysing never calls an identity provider: src/analysis, src/store, queries, src/reports and src/export import no source folder (they read the collection format and the schema).',
      severity: 'error',
      from: { path: '^(src/(analysis|store|reports|export|output)|queries)/' },
      to: { path: `^ingest/${SOURCES}/` },
    },
    {
      name: 'analysis-below-queries',
      comment: 'src/model, src/analysis and src/store sit below queries/: they never import it.',
      severity: 'error',
      from: { path: '^src/(model|analysis|store)/' },
      to: { path: '^queries/' },
    },
    {
      name: 'analysis-imports-only-model',
      comment: 'src/analysis (departure, correlation, reach, severity, coverage) imports only src/model.',
      severity: 'error',
      from: { path: '^src/analysis/' },
      to: { path: '^(src|ingest|queries)/', pathNot: '^src/(analysis|model)/' },
    },
    {
      name: 'queries-below-front-ends',
      comment: 'queries/ (rules, residual, blast radius, paths, diff) imports no front end: not src/cli, src/api, src/reports, src/export.',
      severity: 'error',
      from: { path: '^queries/' },
      to: { path: '^src/(cli|api|reports|export|console)/' },
    },
    {
      name: 'nothing-imports-the-cli',
      comment: 'src/cli is the top: one file per command, imported by nothing else (bin/revenant.js runs src/cli/main).',
      severity: 'error',
      from: { pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'only-the-cli-imports-the-api',
      comment: 'src/api is a front end; only the CLI commands that run its parts (serve, keys, subscribe) import it.',
      severity: 'error',
      from: { pathNot: '^src/(api|cli)/' },
      to: { path: '^src/api/' },
    },
    {
      name: 'product-never-imports-tests',
      comment: 'Nothing of the product imports test/ (fakes and fixtures stay in the tests).',
      severity: 'error',
      from: { path: '^(src|ingest|queries)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/console/' },
    tsPreCompilationDeps: false,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
