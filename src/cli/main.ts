/**
 * The `revenant` command line: builds the commander program from one file per command and
 * maps outcomes to exit codes (0 done, 1 runtime failure, 2 bad usage or input, 3 --fail-on
 * matched). Command files register their options cheaply and import heavy modules only when
 * they run, so `revenant --help` and a one-subject query start fast.
 */
import { Command, CommanderError } from 'commander';
import { InputError } from '../model/errors.js';
import { registerAccept } from './accept.js';
import { registerBlastRadius } from './blastRadius.js';
import { registerCollect } from './collect.js';
import { registerDemo } from './demo.js';
import { registerDiff } from './diff.js';
import { registerEvidence } from './evidence.js';
import { registerExport } from './export.js';
import { ExitCode, ExitWith } from './exit.js';
import { registerLoad } from './load.js';
import { registerNeo4j } from './neo4j.js';
import { registerPaths } from './paths.js';
import { registerRemediate } from './remediate.js';
import { registerReport } from './report.js';
import { registerResidual } from './residual.js';
import { registerSnapshots } from './snapshots.js';
import { registerSynth } from './synth.js';
import { registerVerify } from './verify.js';
import { registerServe } from './serve.js';
import { registerKeys } from './keys.js';
import { registerSubscribe } from './subscribe.js';
import { registerWatch } from './watch.js';
import { VERSION } from '../model/version.js';

export function buildProgram(): Command {
  const program = new Command('revenant')
    .description(
      'Finds the access that outlives an identity: every path that stays live after an account in ' +
        'Microsoft Entra ID or Okta is disabled, with evidence, severity and remediation.',
    )
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false })
    .exitOverride();
  registerCollect(program);
  registerLoad(program);
  registerSnapshots(program);
  registerNeo4j(program);
  registerResidual(program);
  registerBlastRadius(program);
  registerPaths(program);
  registerDiff(program);
  registerReport(program);
  registerAccept(program);
  registerRemediate(program);
  registerVerify(program);
  registerEvidence(program);
  registerExport(program);
  registerServe(program);
  registerKeys(program);
  registerSubscribe(program);
  registerWatch(program);
  registerSynth(program);
  registerDemo(program);
  program.addHelpText(
    'after',
    '\nExit codes: 0 done, 1 runtime failure, 2 bad usage or input, 3 --fail-on matched.\n' +
      'Start with `revenant demo`; see README.md for the rule catalogue and the CLI reference.',
  );
  return program;
}

/** Run the CLI with `argv` (as process.argv); returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return ExitCode.ok;
  } catch (e) {
    return exitCodeFor(e);
  }
}

export function exitCodeFor(e: unknown): number {
  if (e instanceof ExitWith) return e.code;
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return ExitCode.ok;
    return e.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (e instanceof InputError) {
    process.stderr.write(`revenant: ${e.message}\n`);
    return ExitCode.usage;
  }
  const err = e as Error;
  process.stderr.write(`revenant: ${err?.message ?? String(e)}\n`);
  if (process.env.REVENANT_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
  else process.stderr.write('revenant: this is a runtime failure, not bad input; set REVENANT_DEBUG=1 for details\n');
  return ExitCode.failure;
}
