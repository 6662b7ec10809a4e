/** `autoload-lens replay TRACE ...`: replay a trace and write the report, as it is known, in text, JSON, JSON Lines or SARIF. */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import * as path from 'node:path';
import type { TraceFormat } from '../engine/events';
import { parseKernelVersion } from '../engine/kernel/eras';
import { KERNEL_MODEL_CHOICES, type KernelModelChoice } from '../engine/kernel/model';
import { openModuleDb, type ModuleDb } from '../engine/modules/index';
import { ReplayJson, ReplayJsonLines, ReplaySarif, ReplayText, type Emit } from '../engine/render/index';
import { streamReplay } from '../engine/replay/index';
import type { Finding } from '../engine/report';
import type { ReportSink } from '../engine/reportStream/index';
import type { Severity } from '../engine/ruleCatalog';
import { err, ok, type Result } from '../engine/result';
import type { SourceIndex } from '../engine/sourceIndex';
import {
  choiceOption,
  FAIL_ON_CHOICES,
  failsOn,
  listOption,
  parseCommandArgs,
  REPLAY_FORMATS,
  REPORT_OPTIONS,
  SCAN_OPTIONS,
  secondsOption,
  stringOption,
  usageError,
  type FailOn,
  type ReplayFormat,
} from './args';
import { EXIT_FINDINGS, EXIT_OK, type CliContext } from './context';
import { writeReport } from './output';
import { progressLine, replayProgress } from './progress';
import { REPLAY_USAGE } from './usage';
import { scanTreeWithProgress, type ScanChoices } from './sourceScan';

/** The values of --trace-format: every trace reader. */
export const TRACE_FORMATS: readonly TraceFormat[] = ['ftrace', 'trace-cmd', 'perf', 'dmesg'];

const OPTIONS = {
  modules: { type: 'string' },
  loaded: { type: 'string' },
  src: { type: 'string' },
  ...SCAN_OPTIONS,
  'trace-format': { type: 'string' },
  'dups-window': { type: 'string' },
  'kernel-model': { type: 'string' },
  'kernel-version': { type: 'string' },
  'compare-models': { type: 'boolean' },
  'module-stats': { type: 'string' },
  label: { type: 'string', multiple: true },
  ...REPORT_OPTIONS,
} as const;

interface ReplayArgs {
  trace: string;
  modules?: string;
  loaded?: string;
  src?: string;
  scan: ScanChoices;
  traceFormat?: TraceFormat;
  dupsWindow?: number;
  kernelModel: KernelModelChoice;
  kernelVersion?: string;
  compareModels: boolean;
  moduleStats?: string;
  format: ReplayFormat;
  /** --label KEY=VALUE, for JSON Lines records. */
  labels: Record<string, string>;
  output?: string;
  failOn: FailOn;
  color: boolean;
}

/** Returns the exit code, or an error for main to print (bad usage, unreadable input). */
export async function replayCommand(argv: string[], ctx: CliContext): Promise<Result<number>> {
  const parsed = parseCommandArgs('replay', argv, OPTIONS);
  if (!parsed.ok) return parsed;
  if (parsed.value.values.help === true) {
    await ctx.out(REPLAY_USAGE);
    return ok(EXIT_OK);
  }
  const args = replayArgs(parsed.value);
  if (!args.ok) return args;
  const a = args.value;

  const progress = progressLine(ctx);
  // Opened before a long scan so that a bad modules directory is said at once; the replay reuses it.
  let moduleDb: ModuleDb | undefined;
  if (a.modules !== undefined) {
    const db = await openModuleDb(a.modules);
    if (!db.ok) return db;
    moduleDb = db.value;
  }
  let source: SourceIndex | undefined;
  if (a.src !== undefined) {
    // A whole-tree scan takes a while: learn first that the trace can be opened at all.
    const readable = await checkReadable(a.trace);
    if (!readable.ok) return readable;
    const scanned = await scanTreeWithProgress(ctx, a.src, a.scan, progress);
    if (!scanned.ok) return scanned;
    source = scanned.value;
  }
  const traceName = path.basename(a.trace);
  const severities = new Set<Severity>();
  const written = await writeReport(ctx, a.output, (out) =>
    streamReplay(
      {
        tracePath: a.trace,
        ...(a.traceFormat !== undefined && { traceFormat: a.traceFormat }),
        ...(moduleDb !== undefined && { moduleDb }),
        ...(a.loaded !== undefined && { loadedPath: a.loaded }),
        ...(source !== undefined && { source }),
        ...(a.dupsWindow !== undefined && { dupsWindowSeconds: a.dupsWindow }),
        kernelModel: a.kernelModel,
        ...(a.kernelVersion !== undefined && { kernelVersion: a.kernelVersion }),
        compareModels: a.compareModels,
        ...(a.moduleStats !== undefined && { moduleStatsPath: a.moduleStats }),
        signal: ctx.signal,
        onProgress: replayProgress(progress, traceName),
        drain: () => out.drain(),
      },
      noticingSeverities(
        replaySink(a.format, (text) => out.write(text), {
          color: a.color,
          width: Math.min(ctx.stdoutColumns ?? 100, 100),
          baseDir: ctx.cwd,
          labels: a.labels,
        }),
        severities,
      ),
    ),
  );
  progress.done();
  if (!written.ok) return written;
  return ok(failsOn(a.failOn, severities) ? EXIT_FINDINGS : EXIT_OK);
}

/** How a replay's report is laid out: the text's colour and width, SARIF's base directory, JSON Lines' labels. */
export interface ReplayLayout {
  color: boolean;
  width: number;
  baseDir: string;
  labels: Readonly<Record<string, string>>;
}

/**
 * The renderer of a replay's report in `format`: one case per format of REPLAY_FORMATS, so a new one does not
 * compile until it is rendered (the property suite renders every format through it).
 */
export function replaySink(format: ReplayFormat, emit: Emit, layout: ReplayLayout): ReportSink {
  switch (format) {
    case 'json':
      return new ReplayJson(emit);
    case 'jsonl':
      return new ReplayJsonLines(emit, layout.labels);
    case 'sarif':
      return new ReplaySarif(emit, { baseDir: layout.baseDir });
    case 'text':
      return new ReplayText(emit, { color: layout.color, width: layout.width });
  }
}

/** The sink, noting the severity of each finding on its way (for --fail-on). */
function noticingSeverities(sink: ReportSink, severities: Set<Severity>): ReportSink {
  return {
    begin: (head) => sink.begin(head),
    request: (record) => sink.request(record),
    finding: (finding: Finding, requests) => {
      severities.add(finding.severity);
      sink.finding(finding, requests);
    },
    chain: (chain, requests) => sink.chain(chain, requests),
    end: (tail) => sink.end(tail),
  };
}

/** Whether a trace can be opened at all, asked before a long scan. */
export async function checkReadable(file: string): Promise<Result<void>> {
  try {
    await access(file, constants.R_OK);
    return ok(undefined);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? String(e);
    return err({
      code: 'unreadable-file',
      file,
      message: `cannot read the trace (${reason})`,
      hint: 'check the path and its permissions',
    });
  }
}

function replayArgs(p: Parameters<typeof stringOption>[0]): Result<ReplayArgs> {
  if (p.positionals.length !== 1) {
    return err(
      usageError(
        'replay',
        p.positionals.length === 0
          ? 'give the trace file to replay'
          : `give one trace file (got ${p.positionals.length})`,
      ),
    );
  }
  const traceFormat = stringOption(p, 'trace-format');
  if (traceFormat !== undefined && !(TRACE_FORMATS as readonly string[]).includes(traceFormat)) {
    return err(
      usageError('replay', `--trace-format must be one of ${TRACE_FORMATS.join(', ')} (got '${traceFormat}')`),
    );
  }
  const format = choiceOption('replay', p, 'format', REPLAY_FORMATS, 'text');
  if (!format.ok) return format;
  // No prototype: a label named `__proto__` is a label like any other, not lost.
  const labels = Object.create(null) as Record<string, string>;
  for (const label of listOption(p, 'label')) {
    const eq = label.indexOf('=');
    if (eq <= 0) return err(usageError('replay', `--label takes KEY=VALUE (got '${label}')`));
    labels[label.slice(0, eq)] = label.slice(eq + 1);
  }
  if (Object.keys(labels).length > 0 && format.value !== 'jsonl') {
    return err(usageError('replay', '--label only applies with --format jsonl'));
  }
  const failOn = choiceOption('replay', p, 'fail-on', FAIL_ON_CHOICES, 'warning');
  if (!failOn.ok) return failOn;
  const dupsWindow = secondsOption('replay', p, 'dups-window');
  if (!dupsWindow.ok) return dupsWindow;
  const kernelModel = choiceOption('replay', p, 'kernel-model', KERNEL_MODEL_CHOICES, 'auto');
  if (!kernelModel.ok) return kernelModel;
  const kernelVersion = stringOption(p, 'kernel-version');
  if (kernelVersion !== undefined && parseKernelVersion(kernelVersion) === null) {
    return err(
      usageError(
        'replay',
        `--kernel-version takes a version as uname -r prints it, e.g. 6.1.0-50-amd64 (got '${kernelVersion}')`,
      ),
    );
  }
  const moduleStats = stringOption(p, 'module-stats');
  const wrappers = listOption(p, 'wrapper');
  const src = stringOption(p, 'src');
  if (wrappers.length > 0 && src === undefined)
    return err(usageError('replay', '--wrapper only applies with --src DIR'));
  const noCache = p.values['no-cache'] === true;
  if (noCache && src === undefined) return err(usageError('replay', '--no-cache only applies with --src DIR'));
  const kernelDirectory = stringOption(p, 'kdir');
  if (kernelDirectory !== undefined && src === undefined)
    return err(usageError('replay', '--kdir only applies with --src DIR'));
  const modules = stringOption(p, 'modules');
  const loaded = stringOption(p, 'loaded');
  const output = stringOption(p, 'output');
  return ok({
    trace: p.positionals[0],
    ...(modules !== undefined && { modules }),
    ...(loaded !== undefined && { loaded }),
    ...(src !== undefined && { src }),
    scan: { wrappers, kernelDirectory, cache: !noCache },
    ...(traceFormat !== undefined && { traceFormat: traceFormat as TraceFormat }),
    ...(dupsWindow.value !== undefined && { dupsWindow: dupsWindow.value }),
    kernelModel: kernelModel.value,
    ...(kernelVersion !== undefined && { kernelVersion }),
    compareModels: p.values['compare-models'] === true,
    ...(moduleStats !== undefined && { moduleStats }),
    format: format.value,
    labels,
    ...(output !== undefined && { output }),
    failOn: failOn.value,
    color: p.values.color === true,
  });
}
