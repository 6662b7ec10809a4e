/**
 * The imports of the sources, read with the TypeScript compiler's own pre-processor (imports, re-exports, require(),
 * import() in code and in types), and the checks the layering rules need: what a folder may import, and the cycles
 * between folders.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, resolve, sep } from 'node:path';
import * as ts from 'typescript';

/** One import: the importing file and the folder it is in, both relative to the sources' root, and what it names. */
export interface ImportEdge {
  file: string;
  /** The folder of `file`. */
  folder: string;
  /** As written: a package name, or a relative path. */
  specifier: string;
  /** For a relative import, the folder of the imported module, relative to the root; null for a package. */
  targetFolder: string | null;
}

const toPosix = (p: string) => p.split(sep).join(posix.sep);

/** The imports of each file, given as [path relative to the root, text]. */
export function importsOf(files: Iterable<[string, string]>): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const [file, text] of files) {
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      const relativeImport = fileName.startsWith('./') || fileName.startsWith('../');
      const targetFolder = relativeImport
        ? posix.dirname(posix.normalize(posix.join(posix.dirname(file), fileName)))
        : null;
      edges.push({ file, folder: posix.dirname(file), specifier: fileName, targetFolder });
    }
  }
  return edges;
}

/** The .ts files under a folder, as [path relative to it, text]. */
export function readSources(root: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts')) out.push([toPosix(relative(root, path)), readFileSync(path, 'utf8')]);
    }
  };
  walk(resolve(root));
  return out;
}

/** Whether a folder (relative to the root) is `area` or inside it. */
export function inArea(folder: string, area: string): boolean {
  return folder === area || folder.startsWith(`${area}/`);
}

/**
 * The cycles between folders: each strongly connected group of two or more folders (Tarjan), folders sorted, groups by first folder,
 * with one import that makes each of its edges. Imports leaving the root (`..` above it) are not folders of it.
 */
export function folderCycles(edges: ImportEdge[]): Array<{ folders: string[]; imports: string[] }> {
  const graph = new Map<string, Map<string, string>>();
  for (const e of edges) {
    const from = e.folder;
    const to = e.targetFolder;
    if (to === null || to === from || to.startsWith('..')) continue;
    if (!graph.has(from)) graph.set(from, new Map());
    if (!graph.has(to)) graph.set(to, new Map());
    const out = graph.get(from)!;
    if (!out.has(to)) out.set(to, `${e.file} imports ${e.specifier}`);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!.keys()) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  groups.sort((a, b) => a[0].localeCompare(b[0]));
  return groups.map((folders) => ({
    folders,
    imports: folders.flatMap((f) => [...graph.get(f)!].filter(([to]) => folders.includes(to)).map(([, why]) => why)),
  }));
}
