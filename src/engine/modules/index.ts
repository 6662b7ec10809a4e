/** The module database: depmod's files of one kernel, and a resolver that answers as `modprobe -R` does. */
import type { ModuleResolver } from '../resolution';
import type { DbWarning, Softdep } from './depmodFiles';

export interface ModuleDbStats {
  /** modules.alias entries kmod can use (lines with a valid pattern, or the values of modules.alias.bin). */
  aliases: number;
  /** Modules in modules.dep. */
  modules: number;
  /** Modules in modules.builtin. */
  builtins: number;
  /** `alias` records in modules.builtin.modinfo (or values of modules.builtin.alias.bin). */
  builtinAliases: number;
  /** modules.symbols entries. */
  symbols: number;
}

export interface ModuleDb extends ModuleResolver {
  /** The directory the files were read from. */
  dir: string;
  /** Kernel version when the path says it (`lib/modules/VERSION`), else null. */
  version: string | null;
  /**
   * How the directory was chosen, which binary indexes stood in for missing text files, and what the resolver does
   * not model, for reports.
   */
  notes: string[];
  /** Loadable module names (modules.dep), normalised. */
  moduleNames(): Iterable<string>;
  /** The module's path from modules.dep, relative to `dir`, or null. */
  modulePath(name: string): string | null;
  /** The modules `name` needs loaded first (modules.dep), normalised, in the order modprobe loads them; [] when unknown. */
  dependencies(name: string): string[];
  /** The module's soft dependencies from modules.softdep, or null. */
  softdeps(name: string): Softdep | null;
  stats: ModuleDbStats;
  /** Lines (or binary index entries) of the files that could not be read, with their location. */
  warnings: DbWarning[];
}

export type { DbWarning, Softdep } from './depmodFiles';
export { openModuleDb, NOT_MODELLED } from './moduleDb';
export { readLoadedModules } from './loadedModules';
export { fnmatch } from './fnmatch';
export { aliasNormalize, modnameNormalize } from './names';
