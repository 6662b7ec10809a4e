/**
 * The `#define`s found in the scan, looked up the way the compiler sees them from one file: the file's own (the last
 * before the use), then those of the headers it includes (in the order cpp reads them), then, for `KBUILD_MODNAME`,
 * the module name kbuild passes; then the general headers (the tree's include/ and arch/ARCH/include/, then the
 * kernel directory's). A definition in any other file (another driver's header, samples/, tools/) is not visible.
 * A name defined differently in two general headers the file does not include is ambiguous.
 */
import type { MacroDefinition, MacroLookup } from './cpp';
import type { IncludeGraph } from './includeGraph';
import type { SourceTree } from './sourceTree';

/** The kernel's macros on the way from MODULE_ALIAS to the modinfo section (the table sinks `__MODULE_INFO`). */
export const MODINFO_CALLS: ReadonlySet<string> = new Set(['MODULE_INFO', '__MODULE_INFO']);

/** `__MODULE_INFO(tag, name, info)` ends in a section attribute; for aliases only `info` matters, so it is a sink. */
export const MODINFO_SINK = '__autoload_lens_modinfo__';
const moduleInfo: MacroDefinition = {
  name: '__MODULE_INFO',
  params: ['tag', 'name', 'info'],
  variadic: false,
  body: `${MODINFO_SINK}(#tag, info)`,
  file: '<builtin>',
  line: 0,
};

// Used only when neither the scanned tree nor the kernel directory defines them (a code base outside the kernel).
const fallbacks = new Map<string, MacroDefinition>([
  [
    'MODULE_ALIAS',
    {
      name: 'MODULE_ALIAS',
      params: ['_alias'],
      variadic: false,
      body: 'MODULE_INFO(alias, _alias)',
      file: '<builtin>',
      line: 0,
    },
  ],
  [
    'MODULE_INFO',
    {
      name: 'MODULE_INFO',
      params: ['tag', 'info'],
      variadic: false,
      body: '__MODULE_INFO(tag, tag, info)',
      file: '<builtin>',
      line: 0,
    },
  ],
]);

/** Macros kbuild defines on the compiler's command line for each file (scripts/Makefile.lib, modname_flags). */
export const KBUILD_MODNAME = 'KBUILD_MODNAME';

const sameDefinition = (a: MacroDefinition, b: MacroDefinition) =>
  a.body.replace(/\s+/g, ' ') === b.body.replace(/\s+/g, ' ') && JSON.stringify(a.params) === JSON.stringify(b.params);

const byLine = (a: MacroDefinition, b: MacroDefinition) => a.line - b.line;

export class MacroTable {
  private readonly byName = new Map<string, MacroDefinition[]>();
  /** `name file:line` of each definition held: a file's facts from several passes repeat its definitions. */
  private readonly held = new Set<string>();

  constructor(private readonly graph: IncludeGraph) {}

  /** The scan's files, Kbuild modules and kernel directory (the include graph's). */
  get tree(): SourceTree {
    return this.graph.tree;
  }

  add(def: MacroDefinition): void {
    const key = `${def.name} ${def.file}:${def.line}`;
    if (this.held.has(key)) return;
    this.held.add(key);
    const list = this.byName.get(def.name);
    if (!list) this.byName.set(def.name, [def]);
    else list.push(def);
  }

  has(name: string): boolean {
    return this.byName.has(name) || fallbacks.has(name);
  }

  definitions(name: string): readonly MacroDefinition[] {
    return this.byName.get(name) ?? [];
  }

  /**
   * A lookup for one file, at `line` when known (a file's own definitions after it are not seen); names it could
   * not settle are recorded in `problems` with the reason.
   */
  lookupFrom(file: string, problems?: Map<string, string>, line?: number): MacroLookup {
    return (name) => {
      if (name === '__MODULE_INFO') return moduleInfo;
      const defs = this.byName.get(name);
      // Most names looked up are no macro of the scan at all (parameters, C keywords, the alias tag): no file to weigh.
      if (defs === undefined)
        return name === KBUILD_MODNAME ? this.kbuildModname(file, problems) : (fallbacks.get(name) ?? null);
      const own = defs.filter((d) => d.file === file).sort(byLine);
      if (own.length > 0) {
        const before = line === undefined ? own.slice(0, 1) : own.filter((d) => d.line < line);
        const seen = before.at(-1);
        if (seen) return seen;
      }
      const others = defs.filter((d) => d.file !== file);
      if (others.length > 0) {
        const visible = this.graph.visible(file);
        let best: MacroDefinition | null = null;
        let bestOrder = Infinity;
        for (const d of others) {
          const order = visible.get(d.file);
          // The whole of an included header precedes the use: its last definition stands.
          if (
            order !== undefined &&
            (order < bestOrder || (order === bestOrder && best !== null && d.line > best.line))
          ) {
            best = d;
            bestOrder = order;
          }
        }
        if (best) return best;
      }
      if (name === KBUILD_MODNAME) return this.kbuildModname(file, problems);
      // The visible headers were worked out above (there are definitions elsewhere), and with them the architecture.
      const arch = this.graph.archOf(file);
      for (let rank = 0; rank < 4; rank++) {
        const candidates = others.filter((d) => this.tree.generalRank(d.file, arch) === rank);
        const first = candidates[0];
        if (!first) continue;
        if (candidates.every((d) => sameDefinition(d, first))) return first;
        problems?.set(
          name,
          `${name} is defined differently in ${candidates
            .map((d) => `${d.file}:${d.line}`)
            .slice(0, 3)
            .join(', ')}, none of which ${file} includes`,
        );
        return null;
      }
      const fallback = fallbacks.get(name);
      if (fallback) return fallback;
      if (others.length > 0) {
        problems?.set(
          name,
          `${name} is defined only in ${others
            .map((d) => `${d.file}:${d.line}`)
            .slice(0, 3)
            .join(', ')}, which ${file} does not include`,
        );
      }
      return null;
    };
  }

  /** KBUILD_MODNAME as kbuild defines it for `file`: its module's name, when the Kbuild/Makefile files tell it. */
  private kbuildModname(file: string, problems: Map<string, string> | undefined): MacroDefinition | null {
    const m = this.tree.modules.moduleOf(file);
    if (m.name !== null)
      return { name: KBUILD_MODNAME, params: null, variadic: false, body: `"${m.name}"`, file: '<kbuild>', line: 0 };
    problems?.set(KBUILD_MODNAME, `${KBUILD_MODNAME} is the module name kbuild passes, and ${m.reason}`);
    return null;
  }
}
