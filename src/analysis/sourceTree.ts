/**
 * What macro look-ups know of a scan besides the files' facts: which files exist (the tree's, relative to its root,
 * and the kernel directory's headers, by absolute path), where `#include` finds a header (kbuild's LINUXINCLUDE
 * order), the general header folders, and kbuild's module names.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KernelDirectoryInfo } from '../engine/sourceIndex';
import { includesOf } from './cpp';
import { KbuildModules } from './kbuild';
import { diskPath, isKernelHeader, type KernelDirectory } from './kernelDir';

const ARCH_FILE = /^arch\/([^/]+)\//;
const GENERAL_HEADER = /^(?:include|arch\/[^/]+\/include)\//;

export class SourceTree {
  readonly files: ReadonlySet<string>;
  /** The scanned tree's own files (the kernel directory's headers left out). */
  readonly sourceFiles: readonly string[];
  readonly modules: KbuildModules;
  readonly kernelDirectory: KernelDirectoryInfo;
  private readonly resolved = new Map<string, string | null>();
  private readonly onDisk = new Map<string, readonly string[]>();
  /** The kernel directory's header folders with a trailing `/`: `include/`, then `arch/ARCH/include/`. */
  private readonly kernelInclude: string | null;
  private readonly kernelArchInclude: string | null;

  constructor(
    readonly root: string,
    readonly kernel: KernelDirectory,
    files: readonly string[],
  ) {
    this.files = new Set(files);
    this.sourceFiles = files.filter((f) => !isKernelHeader(f));
    this.modules = new KbuildModules(root);
    this.kernelDirectory = { ...kernel.info, headers: files.length - this.sourceFiles.length };
    const src = kernel.sourceTree;
    this.kernelInclude = src === null ? null : `${path.join(src, 'include')}/`;
    this.kernelArchInclude = src === null ? null : `${path.join(src, 'arch', kernel.arch, 'include')}/`;
  }

  /** The architecture a file is compiled for: its own under arch/, else the kernel directory's (this machine's). */
  archOf(file: string): string {
    return (isKernelHeader(file) ? null : ARCH_FILE.exec(file)?.[1]) ?? this.kernel.arch;
  }

  /** Whether a file is in a general header folder (include/, arch/ARCH/include/, the kernel directory's). */
  isGeneralHeader(file: string): boolean {
    return isKernelHeader(file) || GENERAL_HEADER.test(file);
  }

  /**
   * The rank of a definition's file among the general headers seen from a file compiled for `arch`: the tree's
   * include/, its arch/ARCH/include/, then the kernel directory's two; null when it is in none of them.
   */
  generalRank(file: string, arch: string): number | null {
    if (isKernelHeader(file)) {
      if (this.kernelInclude !== null && file.startsWith(this.kernelInclude)) return 2;
      if (this.kernelArchInclude !== null && file.startsWith(this.kernelArchInclude)) return 3;
      return null;
    }
    if (file.startsWith('include/')) return 0;
    if (file.startsWith(`arch/${arch}/include/`)) return 1;
    return null;
  }

  /** `#include` directives of a file that is not a general header and has no facts: read from disk once. */
  includesOnDisk(file: string): readonly string[] {
    let known = this.onDisk.get(file);
    if (!known) {
      try {
        known = this.files.has(file) ? includesOf(fs.readFileSync(diskPath(this.root, file), 'latin1')) : [];
      } catch {
        known = [];
      }
      this.onDisk.set(file, known);
    }
    return known;
  }

  /**
   * The file an `#include` directive of `from` reads (`"x.h"` or `<linux/x.h>` as written), null when it is not among
   * the scan's files: a quoted name next to `from` first, then, as for `<...>`, kbuild's search path
   * (arch/ARCH/include, include, their uapi/ folders) in the tree, then in the kernel directory; `asm/` falls back to
   * asm-generic as kbuild's generated wrappers do.
   */
  resolveInclude(directive: string, from: string): string | null {
    const quoted = directive.startsWith('"');
    const target = directive.slice(1, -1);
    const arch = this.archOf(from);
    const key = quoted ? `${path.posix.dirname(from)}\0${target}\0${arch}` : `\0${target}\0${arch}`;
    let hit = this.resolved.get(key);
    if (hit === undefined) {
      const candidates: string[] = [];
      if (quoted) candidates.push(path.posix.normalize(`${path.posix.dirname(from)}/${target}`));
      const dirs = [`arch/${arch}/include`, 'include', `arch/${arch}/include/uapi`, 'include/uapi'];
      const src = this.kernel.sourceTree;
      const kernelDirs = src === null ? [] : [path.join(src, 'arch', this.kernel.arch, 'include'), path.join(src, 'include'), path.join(src, 'arch', this.kernel.arch, 'include', 'uapi'), path.join(src, 'include', 'uapi')];
      for (const d of [...dirs, ...kernelDirs]) candidates.push(`${d}/${target}`);
      if (target.startsWith('asm/')) {
        const generic = `asm-generic/${target.slice(4)}`;
        candidates.push(`include/${generic}`);
        if (src !== null) candidates.push(path.join(src, 'include', generic));
      }
      hit = candidates.find((c) => this.files.has(c)) ?? null;
      this.resolved.set(key, hit);
    }
    return hit;
  }
}
