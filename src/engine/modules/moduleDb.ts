import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Resolution } from '../resolution';
import { err, ok, type Result } from '../result';
import {
  parseBuiltinModinfo,
  parseModulesBuiltin,
  parseModulesDep,
  parseModulesSoftdep,
  scanAliasFile,
  type DbWarning,
  type DepEntry,
  type Parsed,
  type Softdep,
} from './depmodFiles';
import { DEPMOD_TEXT_FILES, locateModulesDir } from './modulesDir';
import { aliasNormalize, modnameNormalize } from './names';
import { PatternIndex, type PatternValue } from './patternIndex';
import type { ModuleDb } from './index';

/** What the resolver does not model, said once so reports can repeat it. */
export const NOT_MODELLED =
  'modprobe.d configuration (alias and install lines) is not read: names resolve as `modprobe -C /dev/null -R NAME` would';

/** Reads the depmod text files of a modules directory (any of them may be missing) into a ModuleDb. */
export async function openModuleDb(given: string): Promise<Result<ModuleDb>> {
  const located = await locateModulesDir(given);
  if (!located.ok) return located;
  const { dir, version, note } = located.value;

  const texts = new Map<string, string>();
  const read = await Promise.all(DEPMOD_TEXT_FILES.map((name) => readFile(join(dir, name), 'utf8').catch((e: NodeJS.ErrnoException) => e)));
  for (const [i, name] of DEPMOD_TEXT_FILES.entries()) {
    const text = read[i];
    if (!(text instanceof Error)) texts.set(name, text);
    else if (text.code !== 'ENOENT') {
      return err({ code: 'unreadable-file', message: `cannot read ${name}: ${text.message}`, file: join(dir, name), hint: 'check the file permissions' });
    }
  }
  const warnings: DbWarning[] = [];
  const parse = <T>(name: string, parser: (text: string, file: string) => Parsed<T>, empty: T): T => {
    const text = texts.get(name);
    if (text === undefined) return empty;
    const parsed = parser(text, join(dir, name));
    warnings.push(...parsed.warnings);
    return parsed.value;
  };
  const scan = (name: string, prefix: string, each: (pattern: string, module: string, line: number) => void): void => {
    const text = texts.get(name);
    if (text !== undefined) scanAliasFile(text, join(dir, name), prefix, warnings, each);
  };

  const dep = parse('modules.dep', parseModulesDep, new Map<string, DepEntry>());
  const rank = moduleRanks(dep);
  const aliases = new PatternIndex();
  scan('modules.alias', '', (pattern, module, line) => {
    const key = aliasNormalize(pattern);
    if (key === null) warnings.push(unmatchedBracket(join(dir, 'modules.alias'), line, pattern));
    else aliases.insert(key, { value: module, priority: rank(module), pattern });
  });
  const symbols = new PatternIndex();
  // depmod indexes symbol names as they are (no normalisation).
  scan('modules.symbols', 'symbol:', (pattern, module) => symbols.insert(pattern, { value: module, priority: rank(module), pattern }));
  const builtins = parse('modules.builtin', parseModulesBuiltin, new Set<string>());
  const builtinAliases = new PatternIndex();
  for (const b of parse('modules.builtin.modinfo', parseBuiltinModinfo, [])) {
    const key = aliasNormalize(b.pattern);
    if (key === null) warnings.push(unmatchedBracket(join(dir, 'modules.builtin.modinfo'), b.record, b.pattern));
    // depmod gives every built-in alias priority 0.
    else builtinAliases.insert(key, { value: b.module, priority: 0, pattern: b.pattern });
  }
  const softdeps = parse('modules.softdep', parseModulesSoftdep, new Map<string, Softdep>());

  const notes = [...(note === null ? [] : [note]), NOT_MODELLED];
  const resolver = new DepmodResolver(dep, aliases, symbols, builtins, builtinAliases);
  return ok({
    dir,
    version,
    notes,
    warnings,
    stats: { aliases: aliases.size, modules: dep.size, builtins: builtins.size, builtinAliases: builtinAliases.size, symbols: symbols.size },
    resolve: (name) => resolver.resolve(name),
    isBuiltin: (name) => builtins.has(modnameNormalize(name)),
    isModule: (name) => dep.has(modnameNormalize(name)),
    moduleNames: () => dep.keys(),
    modulePath: (name) => dep.get(modnameNormalize(name))?.path ?? null,
    softdeps: (name) => softdeps.get(modnameNormalize(name)) ?? null,
  });
}

/** depmod leaves such patterns out of its indexes ("Unmatched bracket"), so modprobe never matches them. */
function unmatchedBracket(file: string, line: number, pattern: string): DbWarning {
  return { file, line, message: `unmatched bracket in \`${pattern}\`; kmod ignores it` };
}

/**
 * depmod's priority for an index value is the module's position in its module array, the order modules.dep is
 * written in; a module missing from modules.dep ranks after all of them, in order of first mention.
 */
function moduleRanks(dep: Map<string, DepEntry>): (module: string) => number {
  const ranks = new Map<string, number>();
  for (const name of dep.keys()) ranks.set(name, ranks.size);
  return (module) => {
    let r = ranks.get(module);
    if (r === undefined) {
      r = ranks.size;
      ranks.set(module, r);
    }
    return r;
  };
}

/** kmod's `kmod_module_new_from_lookup` over the depmod files, stopping at the first look-up that finds something. */
class DepmodResolver {
  constructor(
    private readonly dep: Map<string, DepEntry>,
    private readonly aliases: PatternIndex,
    private readonly symbols: PatternIndex,
    private readonly builtins: Set<string>,
    private readonly builtinAliases: PatternIndex,
  ) {}

  resolve(name: string): Resolution {
    const key = aliasNormalize(name);
    // kmod rejects a name with an unmatched bracket before any look-up: `Module NAME not found`.
    if (key === null) return none();
    // 1. Aliases from modprobe.d: not read (NOT_MODELLED). 2. Module names (modules.dep).
    if (this.dep.has(key)) return { kind: 'module', modules: [modnameNormalize(key)], patterns: [] };
    // 3. `symbol:NAME` (modules.symbols).
    if (key.startsWith('symbol:')) {
      const found = this.symbols.lookup(key);
      if (found.length > 0) return fromValues('symbol', found);
    }
    // 4. Install commands from modprobe.d: not read. 5. modules.alias patterns, every provider.
    const aliased = this.aliases.lookup(key);
    if (aliased.length > 0) return fromValues('alias', aliased);
    // 6. Built-in modules (modules.builtin). 7. Built-in aliases (modules.builtin.modinfo).
    if (this.builtins.has(key)) return { kind: 'builtin', modules: [modnameNormalize(key)], patterns: [] };
    const builtinAliased = this.builtinAliases.lookup(key);
    if (builtinAliased.length > 0) return fromValues('builtin', builtinAliased);
    return none();
  }
}

function none(): Resolution {
  return { kind: 'none', modules: [], patterns: [] };
}

/** One line per value, as modprobe prints them (duplicates included), with the pattern behind each. */
function fromValues(kind: Resolution['kind'], values: PatternValue[]): Resolution {
  return { kind, modules: values.map((v) => v.value), patterns: values.map((v) => v.pattern) };
}
