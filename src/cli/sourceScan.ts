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

/** What the command line says about scanning: extra wrapper names, and whether the on-disk scan cache is used. */
export interface ScanChoices {
  wrappers: string[];
  cache: boolean;
}

export async function scanTreeWithProgress(
  ctx: CliContext,
  root: string,
  choices: ScanChoices,
  progress: Progress,
): Promise<Result<SourceIndex>> {
  const { describeScanProgress, scanTree } = await import('../analysis/index');
  const index = await scanTree(root, {
    extraWrappers: choices.wrappers,
    cache: choices.cache,
    signal: ctx.signal,
    onProgress: (p) => progress.update(`scanning ${root}: ${describeScanProgress(p)}`),
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
