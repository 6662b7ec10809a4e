import { appendAll } from '../appendAll';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Resolution } from '../resolution';
import { err, ok, type AutoloadError, type Result } from '../result';
import {
  parseBuiltinModinfo,
  parseModulesBuiltin,
  parseModulesDep,
  parseModulesDepIndex,
  parseModulesSoftdep,
  scanAliasFile,
  type DbWarning,
  type DepEntry,
  type Parsed,
  type Softdep,
} from './depmodFiles';
import { readKmodIndex, type IndexEntry } from './kmodIndex';
import { DEPMOD_FILES, locateModulesDir } from './modulesDir';
import { aliasNormalize, modnameFromPath, modnameNormalize } from './names';
import { PatternIndex, type PatternValue } from './patternIndex';
import type { ModuleDb } from './index';

/** What the resolver does not model, said once so reports can repeat it. */
export const NOT_MODELLED =
  'modprobe.d configuration (alias and install lines) is not read: names resolve as `modprobe -C /dev/null -R NAME` would';

/**
 * Reads the depmod files of a modules directory (any of them may be missing) into a ModuleDb: each text file, or,
 * when it is missing, the binary index depmod writes from the same data.
 */
export async function openModuleDb(given: string): Promise<Result<ModuleDb>> {
  const located = await locateModulesDir(given);
  if (!located.ok) return located;
  const { dir, version, note } = located.value;

  const sources = new Map<string, Source>();
  const read = await Promise.all(DEPMOD_FILES.map((names) => readSource(dir, names)));
  for (const [i, names] of DEPMOD_FILES.entries()) {
    const source = read[i];
    if (!source.ok) return source;
    if (source.value !== null) sources.set(names.text, source.value);
  }
  const warnings: DbWarning[] = [];
  /** A file read through its text parser, or its binary index through `fromIndex` (null for a file without one). */
  const parse = <T>(
    name: string,
    fromText: (text: string, file: string) => Parsed<T>,
    fromIndex: ((entries: IndexEntry[], file: string) => Parsed<T>) | null,
    empty: T,
  ): T => {
    const source = sources.get(name);
    if (source === undefined) return empty;
    const parsed = source.text !== null ? fromText(source.text, source.file) : fromIndex?.(source.index, source.file);
    if (parsed === undefined) return empty;
    appendAll(warnings, parsed.warnings);
    return parsed.value;
  };
  /** Fills `index` from a pattern file: its text lines through `fromText`, or the binary index's entries as stored. */
  const patterns = (name: string, index: PatternIndex, fromText: (text: string, file: string) => void): void => {
    const source = sources.get(name);
    if (source === undefined) return;
    if (source.text !== null) fromText(source.text, source.file);
    else insertIndexEntries(index, source.index);
  };

  const dep = parse('modules.dep', parseModulesDep, parseModulesDepIndex, new Map<string, DepEntry>());
  const rank = moduleRanks(dep);
  const aliases = new PatternIndex();
  patterns('modules.alias', aliases, (text, file) => {
    scanAliasFile(text, file, '', warnings, (pattern, module, line) => {
      const key = aliasNormalize(pattern);
      if (key === null) warnings.push(unmatchedBracket(file, line, pattern));
      else aliases.insert(key, { value: module, priority: rank(module), pattern });
    });
  });
  const symbols = new PatternIndex();
  // depmod indexes symbol names as they are (no normalisation).
  patterns('modules.symbols', symbols, (text, file) => {
    scanAliasFile(text, file, 'symbol:', warnings, (pattern, module) =>
      symbols.insert(pattern, { value: module, priority: rank(module), pattern }),
    );
  });
  const builtins = parse(
    'modules.builtin',
    parseModulesBuiltin,
    (entries) => ({ value: new Set(entries.map((e) => e.key)), warnings: [] }),
    new Set<string>(),
  );
  const builtinAliases = new PatternIndex();
  patterns('modules.builtin.modinfo', builtinAliases, (text, file) => {
    const parsed = parseBuiltinModinfo(text, file);
    appendAll(warnings, parsed.warnings);
    for (const b of parsed.value) {
      const key = aliasNormalize(b.pattern);
      if (key === null) warnings.push(unmatchedBracket(file, b.record, b.pattern));
      // depmod gives every built-in alias priority 0.
      else builtinAliases.insert(key, { value: b.module, priority: 0, pattern: b.pattern });
    }
  });
  const softdeps = parse('modules.softdep', parseModulesSoftdep, null, new Map<string, Softdep>());

  const fromIndexes = DEPMOD_FILES.filter((f) => sources.get(f.text)?.text === null).map(
    (f) => `${f.text} read from ${f.index} (there is no ${f.text})`,
  );
  const notes = [...(note === null ? [] : [note]), ...fromIndexes, NOT_MODELLED];
  const resolver = new DepmodResolver(dep, aliases, symbols, builtins, builtinAliases);
  return ok({
    dir,
    version,
    notes,
    warnings,
    stats: {
      aliases: aliases.size,
      modules: dep.size,
      builtins: builtins.size,
      builtinAliases: builtinAliases.size,
      symbols: symbols.size,
    },
    resolve: (name) => resolver.resolve(name),
    isBuiltin: (name) => builtins.has(modnameNormalize(name)),
    isModule: (name) => dep.has(modnameNormalize(name)),
    moduleNames: () => dep.keys(),
    modulePath: (name) => dep.get(modnameNormalize(name))?.path ?? null,
    dependencies: (name) => dep.get(modnameNormalize(name))?.deps.map(modnameFromPath) ?? [],
    softdeps: (name) => softdeps.get(modnameNormalize(name)) ?? null,
  });
}

/** One of depmod's files as read: the text file, or the entries of the binary index that stands in for it. */
type Source = { file: string; text: string; index: null } | { file: string; text: null; index: IndexEntry[] };

/** The text file when it exists, else its binary index when that exists, else null. */
async function readSource(dir: string, names: { text: string; index: string | null }): Promise<Result<Source | null>> {
  const textFile = join(dir, names.text);
  const text = await readFile(textFile, 'utf8').catch((e: NodeJS.ErrnoException) => e);
  if (!(text instanceof Error)) return ok({ file: textFile, text, index: null });
  if (text.code !== 'ENOENT') return err(unreadable(names.text, textFile, text));
  if (names.index === null) return ok(null);
  const indexFile = join(dir, names.index);
  const data = await readFile(indexFile).catch((e: NodeJS.ErrnoException) => e);
  if (data instanceof Error) return data.code === 'ENOENT' ? ok(null) : err(unreadable(names.index, indexFile, data));
  const entries = readKmodIndex(data, indexFile);
  return entries.ok ? ok({ file: indexFile, text: null, index: entries.value }) : entries;
}

function unreadable(name: string, file: string, e: Error): AutoloadError {
  return {
    code: 'unreadable-file',
    message: `cannot read ${name}: ${e.message}`,
    file,
    hint: 'check the file permissions',
  };
}

/**
 * A binary index's keys go in as depmod stored them (already normalised, patterns with an unmatched bracket already
 * left out), with the stored priorities. Each key's values are inserted last to first: insert() puts a value before
 * those of equal priority, so the key ends up holding them in the stored order, the order kmod reads.
 */
function insertIndexEntries(index: PatternIndex, entries: IndexEntry[]): void {
  for (const { key, values } of entries) {
    for (let i = values.length - 1; i >= 0; i--)
      index.insert(key, { value: values[i].value, priority: values[i].priority, pattern: key });
  }
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
