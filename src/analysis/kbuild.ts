/**
 * The module each source file is built into, as kbuild derives it (scripts/Makefile.lib, `modname`): the composite
 * objects (`NAME.o` listed in `obj-…`, with a `NAME-y`, `NAME-objs`, `NAME-m` or `NAME-$(CONFIG_…)` list) whose list
 * holds the file's object, else the file's own base name; `name-fix` turns `-` and `,` into `_`. That name is what
 * kbuild passes as `-DKBUILD_MODNAME="…"`. The lists come from the directory's Kbuild, else its Makefile (kbuild's
 * `kbuild-file`), or from an ancestor's that names the object with its subfolder (`sub/file.o`).
 * The configuration is unknown: `obj-$(CONFIG_X)` counts as built, and every branch of `ifeq`/`ifdef` is read.
 */
import { appendAll } from '../engine/appendAll';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type ModuleOf = { name: string; reason: null } | { name: null; reason: string };

/** A Kbuild or Makefile consulted, with its size and mtime (null: it did not exist), to see later whether it changed. */
export interface KbuildInput {
  file: string;
  stat: { size: number; mtimeMs: number } | null;
}

interface KbuildLists {
  file: string;
  /** Objects of obj-y, obj-m, obj-$(CONFIG_…) (and lib-y, built in as they are). */
  objects: Set<string>;
  /** Composite NAME → the objects of its NAME-y, NAME-objs, NAME-m and NAME-$(CONFIG_…) lists. */
  parts: Map<string, Set<string>>;
  /** `-I` folders (relative to the root) of ccflags-…, for the files this one builds, and of subdir-ccflags-…, for its subfolders too. */
  includeDirs: string[];
  subdirIncludeDirs: string[];
}

const KBUILD_FILES = ['Kbuild', 'Makefile'];

/** scripts/Makefile.lib's name-fix-token: what KBUILD_MODNAME and modules.alias call the module. */
export const nameFix = (name: string): string => name.replace(/[-,]/g, '_');

export class KbuildModules {
  private readonly lists = new Map<string, KbuildLists | null>();
  private readonly consulted = new Map<string, KbuildInput['stat']>();
  private readonly memo = new Map<string, ModuleOf>();

  constructor(private readonly root: string) {}

  /** The module `file` (relative to the root) is built into, or why that cannot be told. */
  moduleOf(file: string): ModuleOf {
    let m = this.memo.get(file);
    if (!m) {
      m = this.derive(file);
      this.memo.set(file, m);
    }
    return m;
  }

  /**
   * The `-I` folders (relative to the root) kbuild adds when it compiles `file`, in command-line order: the
   * subdir-ccflags of the folders above the one that builds it, then that folder's ccflags.
   */
  includeDirsOf(file: string): string[] {
    const dirs: string[] = [];
    const builder = this.builderOf(file);
    const chain: string[] = [];
    for (let dir = builder; ; dir = path.posix.dirname(dir)) {
      const here = dir === '.' ? '' : dir;
      chain.unshift(here);
      if (here === '') break;
    }
    for (const d of chain) appendAll(dirs, this.listsOf(d)?.subdirIncludeDirs ?? []);
    appendAll(dirs, this.listsOf(builder)?.includeDirs ?? []);
    return [...new Set(dirs)];
  }

  /** The folder whose kbuild file lists `file` (else the file's own folder). */
  private builderOf(file: string): string {
    for (let dir = path.posix.dirname(file); ; dir = path.posix.dirname(dir)) {
      const here = dir === '.' ? '' : dir;
      const lists = this.listsOf(here);
      const object = objectOf(file, here);
      if (lists && (lists.objects.has(object) || [...lists.parts.values()].some((objs) => objs.has(object))))
        return here;
      if (here === '') break;
    }
    const own = path.posix.dirname(file);
    return own === '.' ? '' : own;
  }

  /** Every Kbuild and Makefile the answers so far depended on. */
  inputs(): KbuildInput[] {
    return [...this.consulted].map(([file, stat]) => ({ file, stat }));
  }

  private derive(file: string): ModuleOf {
    if (!file.endsWith('.c'))
      return { name: null, reason: `${file} is not a .c file: its module is that of the file including it` };
    const base = path.posix.basename(file, '.c');
    let listed = false;
    for (let dir = path.posix.dirname(file); ; dir = path.posix.dirname(dir)) {
      const here = dir === '.' ? '' : dir;
      const lists = this.listsOf(here);
      if (lists) {
        listed = true;
        const object = objectOf(file, here);
        const composites = [...lists.parts]
          .filter(([name, objs]) => objs.has(object) && lists.objects.has(`${name}.o`))
          .map(([name]) => name)
          .sort();
        if (composites.length === 1) return { name: nameFix(composites[0]), reason: null };
        if (composites.length > 1) {
          return {
            name: null,
            reason: `${lists.file} puts ${object} in several modules (${composites.join(', ')}; kbuild would name it "${nameFix(composites.join(':'))}")`,
          };
        }
        if (lists.objects.has(object)) return { name: nameFix(base), reason: null };
      }
      if (here === '') break;
    }
    const where = listed
      ? 'in no obj-…, NAME-y or NAME-objs list of the Kbuild or Makefile files of its folder and above'
      : 'under no Kbuild or Makefile (its folder and above have none)';
    return { name: null, reason: `${file} is ${where}, so kbuild's module name for it is unknown` };
  }

  /** The lists of a folder's kbuild file (Kbuild, else Makefile), read once; null when it has neither. */
  private listsOf(dir: string): KbuildLists | null {
    const known = this.lists.get(dir);
    if (known !== undefined) return known;
    let found: KbuildLists | null = null;
    for (const name of KBUILD_FILES) {
      const rel = dir === '' ? name : `${dir}/${name}`;
      let text: string | null = null;
      let stat: KbuildInput['stat'] = null;
      try {
        const p = path.join(this.root, rel);
        const st = fs.statSync(p);
        if (st.isFile()) {
          stat = { size: st.size, mtimeMs: st.mtimeMs };
          text = fs.readFileSync(p, 'latin1');
        }
      } catch {
        // Absent or unreadable: the next name is kbuild's choice, as it is when this one does not exist.
      }
      this.consulted.set(rel, stat);
      if (text !== null) {
        found = parseKbuild(rel, text, dir);
        break;
      }
    }
    this.lists.set(dir, found);
    return found;
  }
}

/** The object kbuild makes of a .c (or .h) file, named as the kbuild file of `dir` (an ancestor folder) lists it. */
const objectOf = (file: string, dir: string): string =>
  `${(dir === '' ? file : file.slice(dir.length + 1)).replace(/\.[ch]$/, '')}.o`;

/** Whether every consulted Kbuild and Makefile is as it was (same size and mtime, still absent). */
export function kbuildUnchanged(root: string, inputs: readonly KbuildInput[]): boolean {
  return inputs.every(({ file, stat }) => {
    const st = fs.statSync(path.join(root, file), { throwIfNoEntry: false });
    const now = st?.isFile() ? { size: st.size, mtimeMs: st.mtimeMs } : null;
    return now === null ? stat === null : stat !== null && now.size === stat.size && now.mtimeMs === stat.mtimeMs;
  });
}

const ASSIGNMENT_OPERATOR = /^\s*(\+|:{1,3}|\?|!)?=\s*/;
const OBJECT_LIST = /^(obj|lib)-(y|m|\$\(.*\))$/;
const COMPOSITE_LIST = /^(.+)-(objs|y|m|\$\(CONFIG_[A-Za-z0-9_]+\))$/;
const CONFIG_SUFFIX = /-\$\(CONFIG_[A-Za-z0-9_]+\)$/;
const CFLAGS = /^(subdir-)?ccflags-|^EXTRA_CFLAGS$/;
const MAX_NESTING = 8;

/** `NAME op value` of a make line, NAME possibly holding `$(…)` with blanks (`obj-$(subst y,$(CONFIG_A),$(CONFIG_B))`). */
function assignment(line: string): [string, string] | null {
  let depth = 0;
  let i = 0;
  for (; i < line.length; i++) {
    const c = line[i];
    if (c === '(' || c === '{') depth++;
    else if (c === ')' || c === '}') depth--;
    else if (depth === 0 && /[\s=:+?!#]/.test(c)) break;
  }
  const name = line.slice(0, i);
  const op = ASSIGNMENT_OPERATOR.exec(line.slice(i));
  return name === '' || !op ? null : [name, line.slice(i + op[0].length)];
}

/** The object lists and `-I` folders of one Kbuild or Makefile of folder `dir` (text as latin1: make does not decode). */
export function parseKbuild(file: string, text: string, dir: string): KbuildLists {
  const vars = new Map<string, string[]>();
  const assignments: Array<[string, string]> = [];
  const define = (name: string, value: string) => vars.set(name, [...(vars.get(name) ?? []), value]);
  let inDefine = false;
  for (const raw of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    const line = raw
      .replace(/(^|[^\\])#.*$/, '$1')
      .trim()
      .replace(/^(?:override|export)\s+/, '');
    if (inDefine) {
      if (/^endef\b/.test(line)) inDefine = false;
      continue;
    }
    if (/^define\b/.test(line)) {
      inDefine = true;
      continue;
    }
    const a = assignment(line);
    if (!a) continue;
    assignments.push(a);
    const [name, value] = a;
    if (!name.includes('$')) define(name, value);
    // The configuration is unknown: NAME-$(CONFIG_X) may be NAME-y or NAME-m where $(NAME-y) is used.
    else if (CONFIG_SUFFIX.test(name) && !name.slice(0, name.lastIndexOf('-$(')).includes('$')) {
      const stem = name.slice(0, name.lastIndexOf('-$('));
      define(`${stem}-y`, value);
      define(`${stem}-m`, value);
    }
  }
  const expandText = (s: string, depth: number): string => {
    if (depth > MAX_NESTING) return '';
    return s.replace(/\$[({]([^(){}]*)[)}]/g, (_all, inner: string) => {
      const fn = /^addprefix\s+([^,]*),(.*)$/.exec(inner);
      if (fn)
        return words(expandText(fn[2], depth + 1))
          .map((w) => `${fn[1].trim()}${w}`)
          .join(' ');
      const v = vars.get(inner.trim());
      return v ? expandText(v.join(' '), depth + 1) : `$(${inner})`;
    });
  };
  const lists: KbuildLists = { file, objects: new Set(), parts: new Map(), includeDirs: [], subdirIncludeDirs: [] };
  for (const [rawName, value] of assignments) {
    const name = expandText(rawName, 0);
    const expanded = expandText(value, 0);
    const cflags = CFLAGS.exec(name);
    if (cflags) {
      const dirs = [...expanded.matchAll(/-I\s*(\S+)/g)]
        .map((m) => includeDir(m[1], dir))
        .filter((d): d is string => d !== null);
      appendAll(cflags[1] ? lists.subdirIncludeDirs : lists.includeDirs, dirs);
      continue;
    }
    const objects = words(expanded)
      .filter((w) => w.endsWith('.o') && !w.includes('$'))
      .map((w) => path.posix.normalize(w));
    if (OBJECT_LIST.test(name)) {
      objects.forEach((o) => lists.objects.add(o));
      continue;
    }
    const c = COMPOSITE_LIST.exec(name);
    if (!c) continue;
    const composite = c[1];
    const set = lists.parts.get(composite) ?? new Set<string>();
    objects.forEach((o) => set.add(o));
    lists.parts.set(composite, set);
  }
  return lists;
}

/** A `-I` folder relative to the root: `$(srctree)/X` is X, `$(src)/X` and `$(obj)/X` are X in the kbuild file's folder. */
function includeDir(arg: string, dir: string): string | null {
  const m = /^\$[({](srctree|src|obj)[)}](\/.*)?$/.exec(arg);
  if (!m && path.posix.isAbsolute(arg)) return null;
  const rel = m ? path.posix.join(m[1] === 'srctree' ? '.' : dir || '.', m[2] ?? '.') : path.posix.normalize(arg);
  if (rel.includes('$') || rel === '..' || rel.startsWith('../')) return null;
  return rel === '.' ? '' : rel.replace(/\/$/, '');
}

const words = (s: string): string[] => s.split(/\s+/).filter((w) => w !== '');
