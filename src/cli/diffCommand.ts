/**
 * `autoload-lens diff BASE NEW ...`: replay two traces and write what changed from one to the other (names, findings,
 * request chains) in text, JSON, SARIF or Markdown; exit 1 when a finding NEW added reaches --fail-on.
 */
import * as path from 'node:path';
import { diffTraces, type BootDiff } from '../engine/diff/index';
import { openModuleDb, type ModuleDb } from '../engine/modules/index';
import { writeDiffJson, writeDiffMarkdown, writeDiffSarif, writeDiffText, type Emit } from '../engine/render/index';
import type { ReplayOptions } from '../engine/replay/index';
import { err, ok, type Result } from '../engine/result';
import type { SourceIndex } from '../engine/sourceIndex';
import {
  choiceOption,
  DIFF_FORMATS,
  FAIL_ON_CHOICES,
  failsOn,
  listOption,
  parseCommandArgs,
  REPORT_OPTIONS,
  SCAN_OPTIONS,
  stringOption,
  usageError,
  type DiffFormat,
  type FailOn,
  type Parsed,
} from './args';
import { EXIT_FINDINGS, EXIT_OK, type CliContext } from './context';
import { writeReport } from './output';
import { progressLine, replayProgress } from './progress';
import { checkReadable } from './replayCommand';
import { scanTreeWithProgress, type ScanChoices } from './sourceScan';
import { DIFF_USAGE } from './usage';

const OPTIONS = {
  modules: { type: 'string' },
  'modules-new': { type: 'string' },
  src: { type: 'string' },
  ...SCAN_OPTIONS,
  ...REPORT_OPTIONS,
} as const;

interface DiffArgs {
  base: string;
  next: string;
  modules?: string;
  modulesNew?: string;
  src?: string;
  scan: ScanChoices;
  format: DiffFormat;
  output?: string;
  failOn: FailOn;
  color: boolean;
}

export async function diffCommand(argv: string[], ctx: CliContext): Promise<Result<number>> {
  const parsed = parseCommandArgs('diff', argv, OPTIONS);
  if (!parsed.ok) return parsed;
  if (parsed.value.values.help === true) {
    await ctx.out(DIFF_USAGE);
    return ok(EXIT_OK);
  }
  const args = diffArgs(parsed.value);
  if (!args.ok) return args;
  const a = args.value;

  // Opened (and both traces checked) before a long scan, so that a bad path is said at once.
  const baseDb = await optionalModuleDb(a.modules);
  if (!baseDb.ok) return baseDb;
  const newDb = a.modulesNew === undefined ? baseDb : await optionalModuleDb(a.modulesNew);
  if (!newDb.ok) return newDb;
  for (const trace of [a.base, a.next]) {
    const readable = await checkReadable(trace);
    if (!readable.ok) return readable;
  }
  const progress = progressLine(ctx);
  let source: SourceIndex | undefined;
  if (a.src !== undefined) {
    const scanned = await scanTreeWithProgress(ctx, a.src, a.scan, progress);
    if (!scanned.ok) return scanned;
    source = scanned.value;
  }
  const side = (tracePath: string, moduleDb: ModuleDb | undefined, label: string): ReplayOptions => ({
    tracePath,
    ...(moduleDb !== undefined && { moduleDb }),
    ...(source !== undefined && { source }),
    signal: ctx.signal,
    onProgress: replayProgress(progress, `${label} ${path.basename(tracePath)}`),
  });
  const written = await writeReport(ctx, a.output, async (out) => {
    const diff = await diffTraces(side(a.base, baseDb.value, 'base'), side(a.next, newDb.value, 'new'));
    progress.done();
    if (diff.ok) render(a, ctx, diff.value, (text) => out.write(text));
    return diff;
  });
  progress.done();
  if (!written.ok) return written;
  return ok(
    failsOn(
      a.failOn,
      written.value.findings.added.map((f) => f.severity),
    )
      ? EXIT_FINDINGS
      : EXIT_OK,
  );
}

function render(a: DiffArgs, ctx: CliContext, diff: BootDiff, emit: Emit): void {
  switch (a.format) {
    case 'json':
      return writeDiffJson(diff, emit);
    case 'sarif':
      return writeDiffSarif(diff, emit, { baseDir: ctx.cwd });
    case 'markdown':
      return writeDiffMarkdown(diff, emit);
    case 'text':
      return writeDiffText(diff, emit, { color: a.color, width: Math.min(ctx.stdoutColumns ?? 100, 100) });
  }
}

async function optionalModuleDb(dir: string | undefined): Promise<Result<ModuleDb | undefined>> {
  if (dir === undefined) return ok(undefined);
  return openModuleDb(dir);
}

function diffArgs(p: Parsed): Result<DiffArgs> {
  if (p.positionals.length !== 2) {
    return err(usageError('diff', `give two trace files, BASE then NEW (got ${p.positionals.length})`));
  }
  const format = choiceOption('diff', p, 'format', DIFF_FORMATS, 'text');
  if (!format.ok) return format;
  const failOn = choiceOption('diff', p, 'fail-on', FAIL_ON_CHOICES, 'warning');
  if (!failOn.ok) return failOn;
  const src = stringOption(p, 'src');
  const wrappers = listOption(p, 'wrapper');
  if (wrappers.length > 0 && src === undefined) return err(usageError('diff', '--wrapper only applies with --src DIR'));
  const noCache = p.values['no-cache'] === true;
  if (noCache && src === undefined) return err(usageError('diff', '--no-cache only applies with --src DIR'));
  const kernelDirectory = stringOption(p, 'kdir');
  if (kernelDirectory !== undefined && src === undefined)
    return err(usageError('diff', '--kdir only applies with --src DIR'));
  const modules = stringOption(p, 'modules');
  const modulesNew = stringOption(p, 'modules-new');
  if (modulesNew !== undefined && modules === undefined) {
    return err(
      usageError(
        'diff',
        "--modules-new only applies with --modules DIR (BASE's): with one trace unresolved, every outcome would differ",
      ),
    );
  }
  const output = stringOption(p, 'output');
  return ok({
    base: p.positionals[0],
    next: p.positionals[1],
    ...(modules !== undefined && { modules }),
    ...(modulesNew !== undefined && { modulesNew }),
    ...(src !== undefined && { src }),
    scan: { wrappers, kernelDirectory, cache: !noCache },
    format: format.value,
    ...(output !== undefined && { output }),
    failOn: failOn.value,
    color: p.values.color === true,
  });
}
