/**
 * The `#define`s found in the tree, looked up the way a file would see them: its own definition first, then one in
 * its directory, then the kernel's include/ trees. A name defined differently at the same level is ambiguous.
 */
import * as path from 'node:path';
import type { MacroDefinition, MacroLookup } from './cpp';

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

// Used only when the scanned tree does not define them (a code base outside the kernel, a fixture).
const fallbacks = new Map<string, MacroDefinition>([
  ['MODULE_ALIAS', { name: 'MODULE_ALIAS', params: ['_alias'], variadic: false, body: 'MODULE_INFO(alias, _alias)', file: '<builtin>', line: 0 }],
  ['MODULE_INFO', { name: 'MODULE_INFO', params: ['tag', 'info'], variadic: false, body: '__MODULE_INFO(tag, tag, info)', file: '<builtin>', line: 0 }],
]);

function tier(def: MacroDefinition, from: string): number {
  if (def.file === from) return 0;
  if (path.posix.dirname(def.file) === path.posix.dirname(from)) return 1;
  if (def.file.startsWith('include/')) return 2;
  if (/^arch\/[^/]+\/include\//.test(def.file)) return 3;
  if (/^(tools|samples|Documentation|scripts)\//.test(def.file)) return 5;
  return 4;
}

const sameDefinition = (a: MacroDefinition, b: MacroDefinition) =>
  a.body.replace(/\s+/g, ' ') === b.body.replace(/\s+/g, ' ') && JSON.stringify(a.params) === JSON.stringify(b.params);

export class MacroTable {
  private readonly byName = new Map<string, MacroDefinition[]>();

  add(def: MacroDefinition): void {
    const list = this.byName.get(def.name);
    if (!list) this.byName.set(def.name, [def]);
    else if (!list.some((d) => d.file === def.file && d.line === def.line)) list.push(def);
  }

  has(name: string): boolean {
    return this.byName.has(name) || fallbacks.has(name);
  }

  definitions(name: string): readonly MacroDefinition[] {
    return this.byName.get(name) ?? [];
  }

  /** A lookup for one file; names it could not settle are recorded in `problems`. */
  lookupFrom(file: string, problems?: Map<string, string>): MacroLookup {
    return (name) => {
      if (name === '__MODULE_INFO') return moduleInfo;
      const defs = this.byName.get(name);
      if (!defs) return fallbacks.get(name) ?? null;
      // A .c file's own #defines are visible to nobody else.
      const visible = defs.filter((d) => d.file === file || !d.file.endsWith('.c'));
      if (visible.length === 0) return fallbacks.get(name) ?? null;
      let best = Infinity;
      for (const d of visible) best = Math.min(best, tier(d, file));
      const candidates = visible.filter((d) => tier(d, file) === best);
      // A file's own definitions: the first one before use wins, as cpp would see it for the common case.
      if (best === 0 || candidates.every((d) => sameDefinition(d, candidates[0]))) return candidates[0];
      problems?.set(name, `${name} is defined differently in ${candidates.map((d) => `${d.file}:${d.line}`).slice(0, 3).join(', ')}`);
      return null;
    };
  }
}
