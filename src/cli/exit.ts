/**
 * Exit codes of the CLI, and the exception a command throws to end with a given code after it
 * has written its output (for example 3 when `--fail-on` matched).
 */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  failOn: 3,
} as const;

export class ExitWith extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
