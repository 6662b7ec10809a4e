/**
 * Scanning a source tree for the CLI, shared by `scan` and `replay --src`. The analysis layer (and tree-sitter) is
 * imported on first use, so `replay` without --src and `resolve` never load the parser.
 */
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
  const { scanTree } = await import('../analysis/index');
  const index = await scanTree(root, {
    extraWrappers: choices.wrappers,
    cache: choices.cache,
    signal: ctx.signal,
    onProgress: (done: number, total: number) => progress.update(`scanning ${root}: ${done} of ${total} files`),
  });
  progress.done();
  return index;
}
