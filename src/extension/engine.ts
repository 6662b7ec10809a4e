/**
 * The analysis layer and the engine load on first use, never at activation: esbuild turns these dynamic imports
 * into lazily initialised modules, so the parser (tree-sitter) is only required when a command needs it.
 */
type Analysis = typeof import('../analysis/index');

let analysis: Analysis | undefined;

export async function loadAnalysis(): Promise<Analysis> {
  analysis ??= await import('../analysis/index');
  return analysis;
}

/** The analysis layer if a command already loaded it (providers must not load it on their own). */
export function loadedAnalysis(): Analysis | undefined {
  return analysis;
}

export function loadReplay(): Promise<typeof import('../engine/replay/index')> {
  return import('../engine/replay/index');
}

export function loadModules(): Promise<typeof import('../engine/modules/index')> {
  return import('../engine/modules/index');
}

export function loadTraceReaders(): Promise<typeof import('../engine/trace/index')> {
  return import('../engine/trace/index');
}

export function loadRenderers(): Promise<typeof import('../engine/report/index')> {
  return import('../engine/report/index');
}
