/** `autoload-lens resolve NAME... --modules DIR`: what names resolve to, printed as `modprobe -R` prints it. */
import { escapeControl } from '../engine/escape';
import { openModuleDb } from '../engine/modules/index';
import { err, ok, type Result } from '../engine/result';
import { parseCommandArgs, stringOption, usageError } from './args';
import { EXIT_FINDINGS, EXIT_OK, type CliContext } from './context';
import { RESOLVE_USAGE } from './usage';

const OPTIONS = {
  modules: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function resolveCommand(argv: string[], ctx: CliContext): Promise<Result<number>> {
  const parsed = parseCommandArgs('resolve', argv, OPTIONS);
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  if (p.values.help === true) {
    await ctx.out(RESOLVE_USAGE);
    return ok(EXIT_OK);
  }
  const dir = stringOption(p, 'modules');
  if (dir === undefined)
    return err(usageError('resolve', '--modules DIR is required: the directory holding modules.alias'));
  if (p.positionals.length === 0)
    return err(usageError('resolve', 'give at least one module name or alias to resolve'));
  const db = await openModuleDb(dir);
  if (!db.ok) return db;

  const verbose = p.values.verbose === true;
  // With one name the output is exactly modprobe -R's; with several, each line says which name it answers.
  // Names, patterns and modules come from the command line and modules.alias: escaped, as every text output is.
  const prefix = (name: string): string => (p.positionals.length > 1 && !verbose ? `${name}: ` : verbose ? '  ' : '');
  let unresolved = 0;
  for (const name of p.positionals) {
    const r = db.value.resolve(name);
    const shown = escapeControl(name);
    if (verbose) {
      const patterns = r.patterns.length > 0 ? ` (matched ${[...new Set(r.patterns)].join(', ')})` : '';
      await ctx.out(`${shown}: ${r.kind}${escapeControl(patterns)}\n`);
    }
    for (const m of r.modules) await ctx.out(`${prefix(shown)}${escapeControl(m)}\n`);
    if (r.modules.length === 0) {
      unresolved += 1;
      ctx.err(`autoload-lens: Module ${shown} not found in directory ${escapeControl(db.value.dir)}\n`);
    }
  }
  return ok(unresolved > 0 ? EXIT_FINDINGS : EXIT_OK);
}
