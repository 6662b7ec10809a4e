/**
 * The kernel directory: the kernel tree an out-of-tree driver builds against (`make -C $KDIR M=$PWD`), whose headers
 * hold the macros and constants its declarations use (`__stringify`, `MODULE_ALIAS_*`, `*_MAJOR`). Chosen as
 * out-of-tree Makefiles choose it: the one given, else the scanned tree itself when it is a kernel tree, else the
 * running kernel's `/lib/modules/$(uname -r)/build`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { err, ok, type Result } from '../engine/result';
import type { KernelDirectoryInfo } from '../engine/sourceIndex';

/** The kernel directory of a scan, with what the walk and the `#include <...>` search need of it. */
export interface KernelDirectory {
  info: Omit<KernelDirectoryInfo, 'headers'>;
  /** The architecture whose `arch/ARCH/include` is searched: kbuild's SRCARCH for a native build on this machine. */
  arch: string;
  /** Where the kernel directory's headers are (its source tree), null when it is the scanned tree or none. */
  sourceTree: string | null;
}

/** process.arch → the kernel's architecture folder (arch/…), as the top Makefile's SUBARCH/SRCARCH maps `uname -m`. */
const ARCHES: Record<string, string> = {
  x64: 'x86',
  ia32: 'x86',
  arm64: 'arm64',
  arm: 'arm',
  riscv64: 'riscv',
  ppc64: 'powerpc',
  ppc: 'powerpc',
  s390x: 's390',
  s390: 's390',
  loong64: 'loongarch',
  mips: 'mips',
  mipsel: 'mips',
  mips64el: 'mips',
};

export const hostArch = (): string => ARCHES[process.arch] ?? 'x86';

/** A kernel tree holds `include/linux/module.h` (where MODULE_ALIAS and friends live). */
export const isKernelTree = (dir: string): boolean => fs.existsSync(path.join(dir, 'include/linux/module.h'));

/**
 * The source tree holding a kernel directory's headers: the directory itself, else the tree its Makefile includes
 * (a build directory made with `make O=`, Debian's linux-headers-VERSION-ARCH: `include /usr/src/…-common/Makefile`),
 * else the tree its `source` link names. Null when none holds the headers.
 */
function sourceTreeOf(dir: string): string | null {
  if (isKernelTree(dir)) return dir;
  let makefile = '';
  try {
    makefile = fs.readFileSync(path.join(dir, 'Makefile'), 'utf8');
  } catch {
    // No Makefile: only the `source` link is left to try.
  }
  for (const m of makefile.matchAll(/^\s*include\s+(\S+)\/Makefile\s*$/gm)) {
    const included = path.resolve(dir, m[1]);
    if (isKernelTree(included)) return included;
  }
  const link = path.join(dir, 'source');
  return isKernelTree(link) ? fs.realpathSync(link) : null;
}

const same = (a: string, b: string) => {
  try {
    return fs.realpathSync(a) === fs.realpathSync(b);
  } catch {
    return path.resolve(a) === path.resolve(b);
  }
};

/** The running kernel's build directory, as out-of-tree Makefiles default KDIR (`uname -r` is os.release()). */
export const runningKernelBuildDir = (): string => path.join('/lib/modules', os.release(), 'build');

/**
 * The kernel directory for a scan of `root`: `given` (a path), or, when undefined, the default; null asks for none.
 * A given directory that holds no kernel headers is an error that says what to pass instead.
 */
export const noKernelDirectory = (): KernelDirectory => ({
  info: { path: null, source: 'none', includeDirs: [] },
  arch: hostArch(),
  sourceTree: null,
});

export function resolveKernelDirectory(root: string, given: string | null | undefined): Result<KernelDirectory> {
  const arch = hostArch();
  const none = noKernelDirectory();
  if (given === null) return ok(none);
  const of = (dir: string, source: KernelDirectoryInfo['source'], tree: string): KernelDirectory => {
    if (same(tree, root)) return { info: { path: dir, source, includeDirs: [] }, arch, sourceTree: null };
    const includeDirs = [path.join(tree, 'include'), path.join(tree, 'arch', arch, 'include')].filter((d) =>
      fs.existsSync(d),
    );
    return { info: { path: dir, source, includeDirs }, arch, sourceTree: tree };
  };
  if (given !== undefined) {
    const dir = path.resolve(given);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      return err({
        code: 'not-a-directory',
        message: `kernel directory ${given} is not a directory`,
        file: given,
        hint: 'pass the kernel tree the code builds against (make -C $KDIR), e.g. /lib/modules/$(uname -r)/build',
      });
    }
    const tree = sourceTreeOf(dir);
    if (tree === null) {
      return err({
        code: 'not-a-kernel-tree',
        message: `kernel directory ${given} holds no kernel headers (include/linux/module.h), nor does a source tree its Makefile includes or its source link names`,
        file: given,
        hint: 'pass a kernel source tree or build directory, e.g. /lib/modules/$(uname -r)/build with the kernel headers package installed',
      });
    }
    return ok(of(dir, 'given', tree));
  }
  if (isKernelTree(root)) return ok(of(root, 'tree', root));
  const running = runningKernelBuildDir();
  const tree = fs.existsSync(running) ? sourceTreeOf(running) : null;
  return ok(tree === null ? none : of(running, 'running-kernel', tree));
}

/** Files of the kernel directory are named by absolute path; the scanned tree's by paths relative to its root. */
export const isKernelHeader = (file: string): boolean => path.isAbsolute(file);

/** Where a file of the scan is on disk. */
export const diskPath = (root: string, file: string): string => (isKernelHeader(file) ? file : path.join(root, file));
