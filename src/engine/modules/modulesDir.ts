import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { err, ok, type Result } from '../result';

/**
 * The text files depmod writes that the module database reads, each with the binary index depmod writes from the
 * same data (null: none), which is read when the text file is missing (embedded images often keep only the indexes,
 * the files modprobe reads). Any one of these files makes a modules directory.
 */
export const DEPMOD_FILES: ReadonlyArray<{ text: string; index: string | null }> = [
  { text: 'modules.alias', index: 'modules.alias.bin' },
  { text: 'modules.dep', index: 'modules.dep.bin' },
  { text: 'modules.builtin', index: 'modules.builtin.bin' },
  { text: 'modules.builtin.modinfo', index: 'modules.builtin.alias.bin' },
  { text: 'modules.symbols', index: 'modules.symbols.bin' },
  { text: 'modules.softdep', index: null },
];

const METADATA_NAMES = DEPMOD_FILES.flatMap((f) => (f.index === null ? [f.text] : [f.text, f.index]));

export interface ModulesDirLocation {
  /** The directory that holds modules.alias & co. */
  dir: string;
  /** The kernel version, when the path says it (`.../lib/modules/VERSION`), else null. */
  version: string | null;
  /** How the directory was found, when it was not the one given (e.g. the one version under a root). */
  note: string | null;
}

const HINT =
  'point --modules at /lib/modules/$(uname -r), or at a copy of the directory holding modules.alias and modules.dep (or modules.alias.bin and modules.dep.bin)';

/**
 * Accepts the directory holding the files, a `lib/modules/VERSION` directory, a system root that has exactly one
 * `lib/modules/VERSION` below it, or a `lib/modules` directory with exactly one version in it.
 */
export async function locateModulesDir(given: string): Promise<Result<ModulesDirLocation>> {
  const info = await stat(given).catch((e: NodeJS.ErrnoException) => e);
  if (info instanceof Error) {
    const why =
      info.code === 'ENOENT'
        ? 'the modules directory does not exist'
        : `cannot read the modules directory: ${info.message}`;
    return err({ code: 'unreadable-modules-dir', message: why, file: given, hint: HINT });
  }
  if (!info.isDirectory()) {
    return err({
      code: 'unreadable-modules-dir',
      message: 'the modules path is not a directory',
      file: given,
      hint: HINT,
    });
  }
  if (await holdsDepmodFiles(given)) return ok({ dir: given, version: versionFromPath(resolve(given)), note: null });

  const candidates = [
    ...(await versionDirs(join(given, 'lib', 'modules'))),
    ...(basename(given) === 'modules' ? await versionDirs(given) : []),
  ];
  if (candidates.length === 1) {
    const dir = candidates[0];
    const version = basename(dir);
    return ok({ dir, version, note: `using kernel version ${version} (${dir}), the only one under ${given}` });
  }
  if (candidates.length > 1) {
    return err({
      code: 'ambiguous-modules-dir',
      message: `${given} holds module metadata for several kernels: ${candidates.map((d) => basename(d)).join(', ')}`,
      file: given,
      hint: `pick one: --modules ${candidates[0]}`,
    });
  }
  return err({
    code: 'no-module-metadata',
    message: `no module metadata (${METADATA_NAMES.join(', ')}) in this directory`,
    file: given,
    hint: HINT,
  });
}

async function holdsDepmodFiles(dir: string): Promise<boolean> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.some((n) => METADATA_NAMES.includes(n));
}

/** Subdirectories of `parent` that hold depmod files, sorted. */
async function versionDirs(parent: string): Promise<string[]> {
  const entries = await readdir(parent, { withFileTypes: true }).catch(() => []);
  const dirs = entries
    .filter((e) => e.isDirectory())
    .map((e) => join(parent, e.name))
    .sort();
  const found: string[] = [];
  for (const dir of dirs) if (await holdsDepmodFiles(dir)) found.push(dir);
  return found;
}

function versionFromPath(dir: string): string | null {
  const parent = dirname(dir);
  return basename(parent) === 'modules' && basename(dirname(parent)) === 'lib' ? basename(dir) : null;
}
