/**
 * Scanning a source tree for the CLI, shared by `scan` and `replay --src`. The analysis layer (and tree-sitter) is
 * imported on first use, so `replay` without --src and `resolve` never load the parser.
 */
import type { ModuleDb } from '../engine/modules/index';
import type { SourceLinker } from '../engine/replay/index';
import type { Result } from '../engine/result';
import type { SourceIndex } from '../engine/sourceIndex';
import type { CliContext } from './context';
import type { Progress } from './progress';

/** What the command line says about scanning: extra wrapper names, the kernel directory, the on-disk scan cache. */
export interface ScanChoices {
  wrappers: string[];
  /** --kdir: undefined for the default (the tree itself when it is a kernel tree, else the running kernel's). */
  kernelDirectory: string | undefined;
  cache: boolean;
}

export async function scanTreeWithProgress(
  ctx: CliContext,
  root: string,
  choices: ScanChoices,
  progress: Progress,
): Promise<Result<SourceIndex>> {
  const { scanTree } = await import('../analysis/index');
  const index = await scanTree(root, {
    extraWrappers: choices.wrappers,
    kernelDirectory: choices.kernelDirectory,
    cache: choices.cache,
    signal: ctx.signal,
    onProgress: (done: number, total: number) => progress.update(`scanning ${root}: ${done} of ${total} files`),
  });
  progress.done();
  return index;
}

/** Scans `root` and links trace call sites back to it; module paths from modules.dep pick among same-named statics. */
export async function scanSources(
  ctx: CliContext,
  root: string,
  choices: ScanChoices,
  progress: Progress,
  modules: ModuleDb | undefined,
): Promise<Result<SourceLinker>> {
  const index = await scanTreeWithProgress(ctx, root, choices, progress);
  if (!index.ok) return index;
  const { linkCallSite } = await import('../analysis/index');
  const value = index.value;
  const modulePaths = modules ? (m: string) => modules.modulePath(m) : undefined;
  return { ok: true, value: { index: value, link: (symbol, module) => linkCallSite(value, symbol, module, modulePaths) } };
}
