/**
 * The content of a key file named on the command line (`--private-key FILE`), read for a
 * collector's session and never echoed: an unreadable file is an InputError naming the file.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../../src/model/errors.js';

export function readSecretFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`${what} ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { file: path });
  }
}
