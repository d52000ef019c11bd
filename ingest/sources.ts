/**
 * The source registry, with every built-in source registered once: Entra, Okta, HR (in this
 * order: the order of manifests' `source` values in messages and of sources in reports), and the
 * collectors of sources that are collected but not yet loaded (GitHub, Azure). A new
 * source is one folder (`ingest/<source>/source.ts` declaring a SourceDefinition) and one line
 * here; tests register their own with `SOURCES.register(…)`. See src/model/source.ts for what a
 * source declares and docs/architecture.md ("How to add a source").
 */
import { SOURCES } from '../src/model/source.js';
import { AZURE_COLLECTOR } from './azure/collector.js';
import { ENTRA_SOURCE } from './entra/source.js';
import { GITHUB_COLLECTOR } from './github/collector.js';
import { HR_SOURCE } from './hr/source.js';
import { OKTA_SOURCE } from './okta/source.js';

SOURCES.register(ENTRA_SOURCE);
SOURCES.register(OKTA_SOURCE);
// Collected, not yet loaded: only their `revenant collect` command is registered (listed in this order).
SOURCES.registerCollector('github', 'GitHub', GITHUB_COLLECTOR);
SOURCES.registerCollector('azure', 'Azure resource plane', AZURE_COLLECTOR);
SOURCES.register(HR_SOURCE);

export { SOURCES };
