/**
 * Module sizes, for what a duplicate load costs: kernel/module/stats.c counts the bytes finit_module() read from the
 * module file (`info->len`). The `.ko` file in the modules directory is that size when it is there (a compressed one,
 * `.ko.xz` and friends, is smaller than what the kernel allocates for it, and says so); otherwise the size of the
 * loaded module from `--loaded` (/proc/modules, lsmod: its memory in the kernel, not its file).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { modnameNormalize } from '../modules/names';

/** Sizes read from an lsmod output or /proc/modules. */
export interface LoadedModuleSizes {
  sizes: Map<string, number>;
  /** The file they came from, for messages. */
  source: string;
}

export interface ModuleSize {
  bytes: number;
  /** The file size of a compressed `.ko`: the kernel decompresses it, and allocates more than this. */
  compressed: boolean;
  /** The `.ko` file (relative to the modules directory) or the loaded-modules file. */
  from: string;
}

/** The parts of the module database sizes need. */
export interface ModuleFiles {
  dir: string;
  modulePath(name: string): string | null;
}

const COMPRESSED = /\.ko\.(xz|zst|gz)$/;

export class ModuleSizes {
  /** Each module's `.ko` looked up once (null: no file). */
  private readonly files = new Map<string, ModuleSize | null>();

  constructor(
    private readonly loaded: LoadedModuleSizes | null,
    private readonly modules: ModuleFiles | null,
  ) {}

  size(module: string): ModuleSize | null {
    const key = modnameNormalize(module);
    const file = this.moduleFile(key);
    if (file !== null) return file;
    const bytes = this.loaded?.sizes.get(key);
    return bytes === undefined ? null : { bytes, compressed: false, from: this.loaded!.source };
  }

  private moduleFile(key: string): ModuleSize | null {
    if (this.modules === null) return null;
    let size = this.files.get(key);
    if (size === undefined) {
      const path = this.modules.modulePath(key);
      // Sizes are asked only for duplicates that race a load, so this stat is rare; modules.dep names files that a
      // copied modules directory usually lacks.
      const info = path === null ? null : statSync(join(this.modules.dir, path), { throwIfNoEntry: false });
      size = info?.isFile() ? { bytes: info.size, compressed: COMPRESSED.test(path!), from: path! } : null;
      this.files.set(key, size);
    }
    return size;
  }
}
