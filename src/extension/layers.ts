/**
 * Everything heavy the extension uses, behind one module that engine.ts imports on first use: the analysis layer
 * (tree-sitter is required only when a parser is loaded) and the engine's entry points. One module, so a build can
 * emit it as a bundle of its own that activation never reads.
 */
export { describeScanProgress, loadParser, prepareUpdates, scanFraction, scanTree, updateFile } from '../analysis/index';
export { CallSiteLinker } from '../engine/callSiteLinker';
export { openModuleDb } from '../engine/modules/index';
export { openInputs, replayText, replayTrace } from '../engine/replay/index';
export { renderJson, renderSarif, renderScanJson, renderScanSarif } from '../engine/render/index';
export { readTraceText } from '../engine/trace/index';
