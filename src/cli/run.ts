/** Dispatches argv to one command per file and turns its result into an exit code (and a message on stderr). */
import { formatError, type Result } from '../engine/result';
import { TOOL_NAME, TOOL_VERSION } from '../engine/tool';
import { parseCommandArgs, usageError } from './args';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, type CliContext } from './context';
import { diffCommand } from './diffCommand';
import { replayCommand } from './replayCommand';
import { resolveCommand } from './resolveCommand';
import { scanCommand } from './scanCommand';
import { GLOBAL_USAGE } from './usage';

type Command = (argv: string[], ctx: CliContext) => Promise<Result<number>>;

// A Map, not an object: a first argument such as `toString` must not find Object.prototype's.
const COMMANDS = new Map<string, Command>([
  ['replay', replayCommand],
  ['diff', diffCommand],
  ['resolve', resolveCommand],
  ['scan', scanCommand],
]);

export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  const [first, ...rest] = argv;
  const command = first !== undefined ? COMMANDS.get(first) : undefined;
  const result = command ? await command(rest, ctx) : await globalOptions(argv, ctx);
  if (result.ok) return result.value;
  if (result.error.code === 'cancelled') {
    ctx.err(`${TOOL_NAME}: interrupted\n`);
    return EXIT_INTERRUPTED;
  }
  ctx.err(`${TOOL_NAME}: ${formatError(result.error)}\n`);
  return EXIT_USAGE;
}

/** No command: only --help and --version make sense. */
async function globalOptions(argv: string[], ctx: CliContext): Promise<Result<number>> {
  const parsed = parseCommandArgs('', argv, {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'V' },
  });
  if (!parsed.ok) return parsed;
  const { values, positionals } = parsed.value;
  if (positionals.length > 0) {
    return {
      ok: false,
      error: usageError('', `unknown command '${positionals[0]}' (commands: ${[...COMMANDS.keys()].join(', ')})`),
    };
  }
  if (values.version === true) {
    await ctx.out(`${TOOL_NAME} ${TOOL_VERSION}\n`);
    return { ok: true, value: EXIT_OK };
  }
  if (values.help === true) {
    await ctx.out(GLOBAL_USAGE);
    return { ok: true, value: EXIT_OK };
  }
  ctx.err(GLOBAL_USAGE);
  return { ok: true, value: EXIT_USAGE };
}
