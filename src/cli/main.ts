/** The `autoload-lens` executable: wires the process (streams, terminal, Ctrl-C, exit code) to runCli. */
import { TOOL_NAME } from '../engine/tool';
import { EXIT_USAGE, type CliContext } from './context';
import { runCli } from './run';

function main(): void {
  const controller = new AbortController();
  // The first Ctrl-C asks the running command to stop cleanly; a second one kills the process as usual.
  process.once('SIGINT', () => controller.abort());
  const ctx: CliContext = {
    out: (text) =>
      new Promise<void>((resolve) => {
        if (process.stdout.write(text)) resolve();
        else process.stdout.once('drain', () => resolve());
      }),
    err: (text) => process.stderr.write(text),
    stderrIsTTY: process.stderr.isTTY === true,
    stdoutColumns: process.stdout.isTTY ? process.stdout.columns : undefined,
    cwd: process.cwd(),
    signal: controller.signal,
  };
  runCli(process.argv.slice(2), ctx).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      // A bug, not a user error: show the stack so it can be reported.
      process.stderr.write(`${TOOL_NAME}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}

main();
