/**
 * Preloaded (`node --require`) by test/cli/startup.test.ts: records every module a CLI run loads
 * into the file named by REVENANT_MODULE_TRACE, one URL a line — the ES modules as the resolve
 * hook (moduleTraceHooks.mjs) sees them, the CommonJS ones (neo4j-driver and its dependencies,
 * loaded through `require`) from the require cache at exit.
 */
const { register } = require('node:module');
const { appendFileSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

register(pathToFileURL(join(__dirname, 'moduleTraceHooks.mjs')).href);
process.on('exit', () => {
  const file = process.env.REVENANT_MODULE_TRACE;
  if (file) appendFileSync(file, Object.keys(require.cache).map((k) => `${pathToFileURL(k).href}\n`).join(''));
});
