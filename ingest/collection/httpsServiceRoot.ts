/**
 * A collector's service root as given on the command line (`--arm-url`, `--api-url`), checked: a
 * URL, https only (tokens are sent only over TLS), returned without trailing slashes. A bad one
 * is an InputError naming the option.
 */
import { InputError } from '../../src/model/errors.js';

/** `given` or, when absent, `fallback`; `option` names it in errors (`collect azure: --arm-url`). */
export function httpsServiceRoot(given: string | undefined, fallback: string, option: string): string {
  const root = (given ?? fallback).replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(root);
  } catch {
    throw new InputError(`${option} must be a URL (got ${JSON.stringify(given)})`);
  }
  if (url.protocol !== 'https:') throw new InputError(`${option} must be https (tokens are sent only over TLS): ${root}`);
  return root;
}
