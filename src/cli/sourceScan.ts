/**
 * Scanning a source tree for the CLI, shared by `scan` and `replay --src`. The analysis layer (and tree-sitter) is
 * imported on first use, so `replay` without --src and `resolve` never load the parser.
 */
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
  const { describeScanProgress, scanTree } = await import('../analysis/index');
  const index = await scanTree(root, {
    extraWrappers: choices.wrappers,
    kernelDirectory: choices.kernelDirectory,
    cache: choices.cache,
    signal: ctx.signal,
    onProgress: (p) => progress.update(`scanning ${root}: ${describeScanProgress(p)}`),
  });
  progress.done();
  return index;
}
