/** What a requested name resolves to, as `modprobe -R` would answer. */

export type ResolutionKind = 'alias' | 'module' | 'symbol' | 'builtin' | 'none' | 'unknown';

export interface Resolution {
  kind: ResolutionKind;
  /** Module names exactly as `modprobe -R` prints them, in its order. */
  modules: string[];
  /** The modules.alias patterns (or config alias) that matched, for evidence. */
  patterns: string[];
}

/** The module database the replay consults; implemented by engine/modules. */
export interface ModuleResolver {
  resolve(name: string): Resolution;
  /** True when `name` (normalised) is a built-in module. */
  isBuiltin(name: string): boolean;
  /** True when `name` (normalised) is a loadable module known to modules.dep. */
  isModule(name: string): boolean;
}
