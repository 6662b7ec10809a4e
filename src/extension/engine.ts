/**
 * The analysis layer and the engine (layers.ts) load on first use, never at activation. The require is evaluated
 * lazily both when esbuild bundles layers.ts into the extension (it becomes a lazily initialised module) and when a
 * build emits it as a bundle of its own (then activation does not even read it). No parser is required until a
 * command needs one.
 */
type Layers = typeof import('./layers');

let layers: Layers | undefined;

export function loadLayers(): Layers {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  layers ??= require('./layers') as Layers;
  return layers;
}

/** The layers if something already loaded them: providers that only make sense after a scan do not load them. */
export function loadedLayers(): Layers | undefined {
  return layers;
}
