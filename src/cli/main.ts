/** The `autoload-lens` executable: wires the process (streams, terminal, Ctrl-C, exit code) to runCli. */
import { setFlagsFromString } from 'node:v8';
import { escapeControl } from '../engine/escape';
import { TOOL_NAME } from '../engine/tool';
import { EXIT_USAGE, type CliContext } from './context';
import { runCli } from './run';
import { standardStream } from './streams';

/**
 * V8 lets the heap grow to up to four times what was live after the last full collection before collecting again.
 * A replay keeps little alive (a few tens of MB) but allocates all the time, so it would grow to hundreds of MB of
 * garbage; collecting once the heap has doubled keeps its memory near what it uses, at no measurable cost in speed.
 */
const HEAP_GROWING_PERCENT = 100;

function main(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  const controller = new AbortController();
  // The first Ctrl-C asks the running command to stop cleanly; a second one kills the process as usual.
  process.once('SIGINT', () => controller.abort());
  const stdout = standardStream(process.stdout);
  const stderr = standardStream(process.stderr);
  const ctx: CliContext = {
    out: (text) => stdout.write(text),
    err: (text) => void stderr.write(text),
    stderrIsTTY: process.stderr.isTTY === true,
    stdoutColumns: process.stdout.isTTY ? process.stdout.columns : undefined,
    cwd: process.cwd(),
    signal: controller.signal,
  };
  runCli(process.argv.slice(2), ctx).then(
    (code) => {
      // A closed reader is no failure (the findings decide the code); a report that could not be written is.
      const failure = stdout.failure();
      if (failure === null) {
        process.exitCode = code;
        return;
      }
      void stderr.write(
        `${TOOL_NAME}: cannot write to standard output (${escapeControl(failure.code ?? failure.message)})\n`,
      );
      process.exitCode = EXIT_USAGE;
    },
    (e: unknown) => {
      // A bug, not a user error: show the stack so it can be reported.
      const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
      void stderr.write(`${TOOL_NAME}: internal error: ${text.split('\n').map(escapeControl).join('\n')}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}

main();
