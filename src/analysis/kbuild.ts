/**
 * The module each source file is built into, as kbuild derives it (scripts/Makefile.lib, `modname`): the composite
 * objects (`NAME.o` listed in `obj-…`, with a `NAME-y`, `NAME-objs`, `NAME-m` or `NAME-$(CONFIG_…)` list) whose list
 * holds the file's object, else the file's own base name; `name-fix` turns `-` and `,` into `_`. That name is what
 * kbuild passes as `-DKBUILD_MODNAME="…"`. The lists come from the directory's Kbuild, else its Makefile (kbuild's
 * `kbuild-file`), or from an ancestor's that names the object with its subfolder (`sub/file.o`).
 * The configuration is unknown: `obj-$(CONFIG_X)` counts as built, and every branch of `ifeq`/`ifdef` is read.
 */
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

  /** Every Kbuild and Makefile the answers so far depended on. */
  inputs(): KbuildInput[] {
    return [...this.consulted].map(([file, stat]) => ({ file, stat }));
  }

  private derive(file: string): ModuleOf {
    if (!file.endsWith('.c')) return { name: null, reason: `${file} is not a .c file: its module is that of the file including it` };
    const base = path.posix.basename(file, '.c');
    let listed = false;
    for (let dir = path.posix.dirname(file); ; dir = path.posix.dirname(dir)) {
      const here = dir === '.' ? '' : dir;
      const lists = this.listsOf(here);
      if (lists) {
        listed = true;
        const object = `${here === '' ? file.slice(0, -2) : file.slice(here.length + 1, -2)}.o`;
        const composites = [...lists.parts].filter(([name, objs]) => objs.has(object) && lists.objects.has(`${name}.o`)).map(([name]) => name).sort();
        if (composites.length === 1) return { name: nameFix(composites[0] as string), reason: null };
        if (composites.length > 1) {
          return { name: null, reason: `${lists.file} puts ${object} in several modules (${composites.join(', ')}; kbuild would name it "${nameFix(composites.join(':'))}")` };
        }
        if (lists.objects.has(object)) return { name: nameFix(base), reason: null };
      }
      if (here === '') break;
    }
    const where = listed ? 'in no obj-…, NAME-y or NAME-objs list of the Kbuild or Makefile files of its folder and above' : 'under no Kbuild or Makefile (its folder and above have none)';
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
        found = parseKbuild(rel, text);
        break;
      }
    }
    this.lists.set(dir, found);
    return found;
  }
}

/** Whether every consulted Kbuild and Makefile is as it was (same size and mtime, still absent). */
export function kbuildUnchanged(root: string, inputs: readonly KbuildInput[]): boolean {
  return inputs.every(({ file, stat }) => {
    const st = fs.statSync(path.join(root, file), { throwIfNoEntry: false });
    const now = st?.isFile() ? { size: st.size, mtimeMs: st.mtimeMs } : null;
    return now === null ? stat === null : stat !== null && now.size === stat.size && now.mtimeMs === stat.mtimeMs;
  });
}

const ASSIGNMENT = /^(?:override\s+|export\s+)?([^\s=:+?!#]+)\s*(?:\+|:{1,3}|\?|!)?=\s*(.*)$/;
const OBJECT_LIST = /^(obj|lib)-(y|m|\$\(.*\))$/;
const COMPOSITE_LIST = /^(.+)-(objs|y|m|\$\(CONFIG_[A-Za-z0-9_]+\))$/;
const MAX_NESTING = 8;

/** The object lists of one Kbuild or Makefile (text as latin1: make itself does not decode). */
export function parseKbuild(file: string, text: string): KbuildLists {
  const vars = new Map<string, string[]>();
  const assignments: Array<[string, string]> = [];
  let inDefine = false;
  for (const raw of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    const line = raw.replace(/(^|[^\\])#.*$/, '$1').trim();
    if (inDefine) {
      if (/^endef\b/.test(line)) inDefine = false;
      continue;
    }
    if (/^define\b/.test(line)) {
      inDefine = true;
      continue;
    }
    const m = ASSIGNMENT.exec(line);
    if (!m) continue;
    const value = m[2] as string;
    assignments.push([m[1] as string, value]);
    const name = m[1] as string;
    if (!name.includes('$')) vars.set(name, [...(vars.get(name) ?? []), value]);
  }
  const expandText = (s: string, depth: number): string => {
    if (depth > MAX_NESTING) return '';
    return s.replace(/\$[({]([^(){}]*)[)}]/g, (_all, inner: string) => {
      const fn = /^addprefix\s+([^,]*),(.*)$/.exec(inner);
      if (fn) return words(expandText(fn[2] as string, depth + 1)).map((w) => `${(fn[1] as string).trim()}${w}`).join(' ');
      const v = vars.get(inner.trim());
      return v ? expandText(v.join(' '), depth + 1) : `$(${inner})`;
    });
  };
  const lists: KbuildLists = { file, objects: new Set(), parts: new Map() };
  for (const [rawName, value] of assignments) {
    const name = expandText(rawName, 0);
    const objects = words(expandText(value, 0)).filter((w) => w.endsWith('.o') && !w.includes('$')).map((w) => path.posix.normalize(w));
    if (OBJECT_LIST.test(name)) {
      objects.forEach((o) => lists.objects.add(o));
      continue;
    }
    const c = COMPOSITE_LIST.exec(name);
    if (!c) continue;
    const composite = c[1] as string;
    const set = lists.parts.get(composite) ?? new Set<string>();
    objects.forEach((o) => set.add(o));
    lists.parts.set(composite, set);
  }
  return lists;
}

const words = (s: string): string[] => s.split(/\s+/).filter((w) => w !== '');
