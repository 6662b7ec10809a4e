/** What a command needs from the process, passed in so commands never reach for globals. */
export interface CliContext {
  /** Standard output (the report, unless --output names a file); a promise when the stream must drain first. */
  out(text: string): void | Promise<void>;
  /** Standard error (errors, hints, progress). */
  err(text: string): void;
  /** A single updating progress line is drawn only on a terminal. */
  stderrIsTTY: boolean;
  /** Columns of the terminal stdout is on, or undefined when stdout is not a terminal. */
  stdoutColumns: number | undefined;
  /** Directory relative paths are resolved against (and SARIF URIs made relative to). */
  cwd: string;
  /** Aborted by Ctrl-C. */
  signal: AbortSignal;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
/** 128 + SIGINT, what shells report for a command stopped by Ctrl-C. */
export const EXIT_INTERRUPTED = 130;
