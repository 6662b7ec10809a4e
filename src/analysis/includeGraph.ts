/**
 * The headers each file of a scan sees, in the order cpp reads them, and the architecture its includes show. One
 * graph serves a whole scan: the planning of every pass, the index build and the look-ups worked out ahead of it
 * while the last passes run. A file's `#include` list is the same whether its facts or the disk give it (the same
 * reader of the same bytes), so an order worked out before a later pass read more files still holds after it.
 */
import type { SourceTree } from './sourceTree';

const ONLY_ARCH_ASM = /^arch\/([^/]+)\/include\/(?:uapi\/)?asm\//;

export class IncludeGraph {
  private readonly includes = new Map<string, readonly string[]>();
  /** Per file: the files it includes, directly or through headers that are not general ones, in cpp's order. */
  private readonly visibleFrom = new Map<string, Map<string, number>>();
  /** Per file: the architecture it is built for, when its includes show it (an `asm/` header only one has). */
  private readonly archFrom = new Map<string, string>();

  constructor(readonly tree: SourceTree) {}

  /** The `#include` directives of a file, as its facts recorded them (files without facts are read from disk). */
  setIncludes(file: string, includes: readonly string[]): void {
    this.includes.set(file, includes);
  }

  /**
   * The files `file` includes, in the order cpp reads them: followed through the tree's own headers (a driver's
   * local ones), not through general headers, whose definitions are seen in any case.
   */
  visible(file: string): ReadonlyMap<string, number> {
    let order = this.visibleFrom.get(file);
    if (order) return order;
    order = new Map();
    const stack: string[] = [file];
    const seen = new Set<string>([file]);
    // Depth first, children in reverse on the stack: a header's own includes come before its next sibling.
    while (stack.length > 0) {
      const f = stack.pop() as string;
      if (f !== file) order.set(f, order.size);
      if (f !== file && this.tree.isGeneralHeader(f)) continue;
      const directives = this.includes.get(f) ?? this.tree.includesOnDisk(f);
      const targets: string[] = [];
      for (const d of directives) {
        const target = this.tree.resolveInclude(d, f, file);
        const arch = target === null ? undefined : ONLY_ARCH_ASM.exec(target)?.[1];
        // Only architecture ARCH has this asm/ header: the file is built for ARCH alone.
        if (arch !== undefined && arch !== this.tree.archOf(file)) this.archFrom.set(file, arch);
        if (target !== null && !seen.has(target)) {
          seen.add(target);
          targets.push(target);
        }
      }
      for (let i = targets.length - 1; i >= 0; i--) stack.push(targets[i]);
    }
    this.visibleFrom.set(file, order);
    return order;
  }

  /** The architecture `file` is built for: the one its includes show (once `visible` read them), else its folder's. */
  archOf(file: string): string {
    return this.archFrom.get(file) ?? this.tree.archOf(file);
  }
}
