/** `autoload-lens scan DIR ...`: index a source tree and print its call sites' findings in text, JSON or SARIF (located relative to DIR). */
import { writeScanJson, writeScanSarif, writeScanText, type Emit, type TextOptions } from '../engine/render/index';
import { err, ok, type Result } from '../engine/result';
import type { SourceIndex } from '../engine/sourceIndex';
import {
  choiceOption,
  FAIL_ON_CHOICES,
  failsOn,
  listOption,
  parseCommandArgs,
  REPORT_FORMATS,
  REPORT_OPTIONS,
  SCAN_OPTIONS,
  stringOption,
  usageError,
  type ReportFormat,
} from './args';
import { EXIT_FINDINGS, EXIT_OK, type CliContext } from './context';
import { writeReport } from './output';
import { progressLine } from './progress';
import { scanTreeWithProgress } from './sourceScan';
import { SCAN_USAGE } from './usage';

const OPTIONS = { ...SCAN_OPTIONS, ...REPORT_OPTIONS } as const;

export async function scanCommand(argv: string[], ctx: CliContext): Promise<Result<number>> {
  const parsed = parseCommandArgs('scan', argv, OPTIONS);
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  if (p.values.help === true) {
    await ctx.out(SCAN_USAGE);
    return ok(EXIT_OK);
  }
  if (p.positionals.length !== 1) {
    return err(
      usageError(
        'scan',
        p.positionals.length === 0
          ? 'give the source directory to scan'
          : `give one directory (got ${p.positionals.length})`,
      ),
    );
  }
  const format = choiceOption('scan', p, 'format', REPORT_FORMATS, 'text');
  if (!format.ok) return format;
  const failOn = choiceOption('scan', p, 'fail-on', FAIL_ON_CHOICES, 'warning');
  if (!failOn.ok) return failOn;

  const index = await scanTreeWithProgress(
    ctx,
    p.positionals[0],
    {
      wrappers: listOption(p, 'wrapper'),
      kernelDirectory: stringOption(p, 'kdir'),
      cache: p.values['no-cache'] !== true,
    },
    progressLine(ctx),
  );
  if (!index.ok) return index;
  const color = p.values.color === true;
  const written = await writeReport(ctx, stringOption(p, 'output'), (out) => {
    writeScan(index.value, format.value, (text) => out.write(text), {
      color,
      width: Math.min(ctx.stdoutColumns ?? 100, 100),
    });
    return Promise.resolve(ok(undefined));
  });
  if (!written.ok) return written;
  return ok(
    failsOn(
      failOn.value,
      index.value.findings.map((f) => f.severity),
    )
      ? EXIT_FINDINGS
      : EXIT_OK,
  );
}

/**
 * The scan in `format`: one case per format of REPORT_FORMATS, so a new one does not compile until it is rendered
 * (the property suite renders every format through it).
 */
export function writeScan(index: SourceIndex, format: ReportFormat, emit: Emit, text: TextOptions): void {
  switch (format) {
    case 'json':
      return writeScanJson(index, emit);
    case 'sarif':
      return writeScanSarif(index, emit);
    case 'text':
      return writeScanText(index, emit, text);
  }
}
