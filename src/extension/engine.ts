/**
 * The analysis layer and the engine (layers.ts) load on first use, never at activation: esbuild bundles layers.ts into
 * the extension as a lazily initialised module, whose top level (and tree-sitter's require) runs at this require. No
 * parser is required until a command needs one.
 */
type Layers = typeof import('./layers');

let layers: Layers | undefined;

export function loadLayers(): Layers {
  layers ??= require('./layers') as Layers;
  return layers;
}

/** The layers if something already loaded them: providers that only make sense after a scan do not load them. */
export function loadedLayers(): Layers | undefined {
  return layers;
}
