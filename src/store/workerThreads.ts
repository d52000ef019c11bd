/**
 * Starting the load's and the import's worker threads: which script (an environment variable
 * names another, or `0` none; else the compiled file beside the calling module — in the CLI
 * bundle, its own entry file), and with which of the parent's Node options.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * The worker script: the path in `process.env[envVar]` (tests), none for `0`, else `name`
 * resolved against `base` (the caller's `import.meta.url`) when that file exists.
 */
export function workerScriptUrl(envVar: string, name: string, base: string): URL | undefined {
  const env = process.env[envVar];
  if (env === '0') return undefined;
  if (env) return pathToFileURL(resolve(env));
  const u = new URL(name, base);
  return u.protocol === 'file:' && existsSync(fileURLToPath(u)) ? u : undefined;
}

/**
 * The parent's Node options for a worker, without `--input-type`: it is only valid for a string
 * entry point (`node --input-type=module -e …`, as scripts embedding revenant run it), and a worker
 * started from a file with it inherited fails at once. Options a worker refuses outright (V8's and
 * per-process ones, such as `--max-old-space-size` or `--title`) are dealt with by `startWorker`.
 */
export function workerExecArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--input-type') i++;
    else if (!argv[i].startsWith('--input-type=')) out.push(argv[i]);
  }
  return out;
}

/**
 * A worker on `url` with the parent's options (`workerExecArgv`). Node refuses V8 and per-process
 * options in a worker's `execArgv` (`node --max-old-space-size=12000 bin/revenant.js load …` would
 * fail with ERR_WORKER_INVALID_EXEC_ARGV); those already apply to the whole process, so the worker
 * then starts with none of its own.
 */
export function startWorker(url: URL, options: Omit<WorkerOptions, 'execArgv'> = {}): Worker {
  try {
    return new Worker(url, { ...options, execArgv: workerExecArgv(process.execArgv) });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw e;
    return new Worker(url, { ...options, execArgv: [] });
  }
}
