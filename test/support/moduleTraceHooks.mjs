/** Module hooks of moduleTrace.cjs: appends every module URL the run resolves to REVENANT_MODULE_TRACE. */
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (process.env.REVENANT_MODULE_TRACE) appendFileSync(process.env.REVENANT_MODULE_TRACE, `${r.url}\n`);
  return r;
}
