/**
 * The source registry, with every built-in source registered once: Entra, Okta, GitHub, the Azure
 * resource plane, HR (in this order: the order of manifests' `source` values in messages and of
 * sources in reports). A new
 * source is one folder (`ingest/<source>/source.ts` declaring a SourceDefinition) and one line
 * here; tests register their own with `SOURCES.register(…)`. See src/model/source.ts for what a
 * source declares and docs/architecture.md ("How to add a source").
 */
import { SOURCES } from '../src/model/source.js';
import { AZURE_SOURCE } from './azure/source.js';
import { ENTRA_SOURCE } from './entra/source.js';
import { GITHUB_SOURCE } from './github/source.js';
import { HR_SOURCE } from './hr/source.js';
import { OKTA_SOURCE } from './okta/source.js';

SOURCES.register(ENTRA_SOURCE);
SOURCES.register(OKTA_SOURCE);
SOURCES.register(GITHUB_SOURCE);
SOURCES.register(AZURE_SOURCE);
SOURCES.register(HR_SOURCE);

export { SOURCES };
