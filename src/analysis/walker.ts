/**
 * The scan's directory walk, in slices: the tree first (paths relative to its root), then the kernel directory's header
 * folders (headers only, absolute paths). Symlinks are not followed (no loops); generated files are left out.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isKernelHeader } from './kernelDir';

const SOURCE = /\.[ch]$/;
const SKIPPED_DIRS = new Set(['.git', 'node_modules', '.svn', '.hg']);

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}(?:/.*)?$`);
}

export class Walker {
  readonly files: string[] = [];
  readonly unreadable: Array<{ file: string; reason: string }> = [];
  /** Milliseconds spent walking so far. */
  elapsed = 0;
  private readonly stack: string[];
  private readonly exclude: RegExp[];

  constructor(
    private readonly root: string,
    exclude: string[],
    kernelIncludeDirs: readonly string[],
  ) {
    this.exclude = exclude.map(globToRegExp);
    this.stack = [...kernelIncludeDirs, ''];
  }

  get done(): boolean {
    return this.stack.length === 0;
  }

  /** Walks up to `dirs` directories. */
  step(dirs: number): void {
    const t0 = performance.now();
    for (let n = 0; n < dirs && this.stack.length > 0; n++) {
      const rel = this.stack.pop() as string;
      const kernel = isKernelHeader(rel);
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(kernel ? rel : path.join(this.root, rel), { withFileTypes: true });
      } catch (e) {
        this.unreadable.push({ file: rel || '.', reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
        continue;
      }
      for (const d of entries) {
        const child = rel ? `${rel}/${d.name}` : d.name;
        if (!kernel && this.exclude.some((r) => r.test(child))) continue;
        if (d.isDirectory()) {
          if (!SKIPPED_DIRS.has(d.name) && d.name !== 'generated') this.stack.push(child);
        } else if (d.isFile() && (kernel ? d.name.endsWith('.h') : SOURCE.test(d.name) && !d.name.endsWith('.mod.c'))) {
          this.files.push(child);
        }
      }
    }
    this.elapsed += performance.now() - t0;
  }
}
