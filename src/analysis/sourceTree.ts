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
const ARCH_INCLUDE = /^arch\/([^/]+)\/include\//;
const GENERAL_HEADER = /^(?:include|arch\/[^/]+\/include)\//;

export class SourceTree {
  readonly files: ReadonlySet<string>;
  /** The scanned tree's own files (the kernel directory's headers left out). */
  readonly sourceFiles: readonly string[];
  readonly modules: KbuildModules;
  readonly kernelDirectory: KernelDirectoryInfo;
  private readonly resolved = new Map<string, string | null>();
  private readonly onDisk = new Map<string, readonly string[]>();
  private readonly unitDirs = new Map<string, string[]>();
  private arches: string[] | undefined;
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
        known = this.files.has(file) ? includesOf(fs.readFileSync(diskPath(this.root, file))) : [];
      } catch {
        known = [];
      }
      this.onDisk.set(file, known);
    }
    return known;
  }

  /**
   * The file an `#include` directive of `from` reads (`"x.h"` or `<linux/x.h>` as written) when `unit` is compiled,
   * null when it is not among the scan's files. As kbuild's command line has it: a quoted name next to `from` first,
   * then LINUXINCLUDE (arch/ARCH/include, include, their uapi/ folders) in the tree and then in the kernel directory,
   * then the `-I` folders of the unit's Kbuild/Makefile; `asm/` falls back to asm-generic as kbuild's generated
   * wrappers do, and, for a file only one architecture can build, to that architecture's.
   */
  resolveInclude(directive: string, from: string, unit: string): string | null {
    const quoted = directive.startsWith('"');
    const target = directive.slice(1, -1);
    const arch = this.archOf(unit);
    const extra = this.unitIncludeDirs(unit);
    const key = `${quoted ? path.posix.dirname(from) : ''}\0${target}\0${arch}\0${extra.join('\0')}`;
    let hit = this.resolved.get(key);
    if (hit === undefined) {
      const candidates: string[] = [];
      if (quoted) candidates.push(path.posix.normalize(`${path.posix.dirname(from)}/${target}`));
      const src = this.kernel.sourceTree;
      const linuxInclude = (base: string, a: string) => [
        `${base}arch/${a}/include`,
        `${base}include`,
        `${base}arch/${a}/include/uapi`,
        `${base}include/uapi`,
      ];
      const dirs = [
        ...linuxInclude('', arch),
        ...(src === null ? [] : linuxInclude(`${src}/`, this.kernel.arch)),
        ...extra.map((d) => d || '.'),
      ];
      for (const d of dirs) candidates.push(d === '.' ? target : `${d}/${target}`);
      if (target.startsWith('asm/')) {
        const generic = `asm-generic/${target.slice(4)}`;
        candidates.push(`include/${generic}`);
        if (src !== null) candidates.push(`${src}/include/${generic}`);
      }
      hit =
        candidates.find((c) => this.files.has(c)) ?? (target.startsWith('asm/') ? this.onlyArchHeader(target) : null);
      this.resolved.set(key, hit);
    }
    return hit;
  }

  /** `-I` folders of a file of the tree, from the Kbuild/Makefile that builds it. */
  private unitIncludeDirs(unit: string): string[] {
    if (isKernelHeader(unit)) return [];
    let dirs = this.unitDirs.get(unit);
    if (!dirs) {
      dirs = this.modules.includeDirsOf(unit);
      this.unitDirs.set(unit, dirs);
    }
    return dirs;
  }

  /** The `asm/` header of the one architecture that has it (a driver only that architecture builds), else null. */
  private onlyArchHeader(target: string): string | null {
    this.arches ??= [
      ...new Set([...this.files].map((f) => ARCH_INCLUDE.exec(f)?.[1]).filter((a): a is string => a !== undefined)),
    ].sort();
    const found = this.arches
      .map((a) => [`arch/${a}/include/${target}`, `arch/${a}/include/uapi/${target}`].find((c) => this.files.has(c)))
      .filter((c) => c !== undefined);
    return found.length === 1 ? found[0] : null;
  }
}
