/**
 * Everything heavy the extension uses, behind one module that engine.ts requires on first use: the analysis layer
 * (tree-sitter is required only when a parser is loaded) and the engine's entry points. esbuild makes it a lazily
 * initialised module of the extension bundle: nothing here runs at activation.
 */
export { describeScanProgress, openSourceTree, scanFraction } from '../analysis/index';
export { CallSiteLinker } from '../engine/callSiteLinker';
export { diffTraceWithReport } from '../engine/diff/index';
export { openModuleDb } from '../engine/modules/index';
export { openInputs, replayText, replayTrace } from '../engine/replay/index';
export { renderJson, renderSarif, renderScanJson, renderScanSarif } from '../engine/render/index';
export { readTraceText } from '../engine/trace/index';
