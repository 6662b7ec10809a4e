/** Renderers of the engine's Report (replay) and of the analysis layer's SourceIndex (scan). */
export { renderText, type TextOptions } from './text';
export { renderJson, renderJsonChunks } from './json';
export { renderSarif, renderSarifChunks, type SarifOptions } from './sarif';
export { renderScanText, type ScanTextOptions } from './scanText';
export { renderScanJson, renderScanJsonChunks } from './scanJson';
export { renderScanSarif, renderScanSarifChunks, type ScanSarifOptions } from './scanSarif';
