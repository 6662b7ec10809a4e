/**
 * Parsers for the text files depmod writes into /lib/modules/VERSION (and for modules.dep.bin, whose values are
 * modules.dep lines). Each takes the file's content and name and returns what it read plus located warnings for the
 * lines it could not read; none of them throws.
 */
import type { IndexEntry } from './kmodIndex';
import { modnameFromPath } from './names';

export interface DbWarning {
  file: string;
  /** 1-based line (for modules.builtin.modinfo: 1-based NUL-separated record); absent for a binary index. */
  line?: number;
  /** For a binary index: byte offset of the node concerned. */
  offset?: number;
  message: string;
}

export interface Parsed<T> {
  value: T;
  warnings: DbWarning[];
}

export interface DepEntry {
  /** Path as written, relative to the modules directory (`kernel/fs/ext4/ext4.ko.xz`). */
  path: string;
  /** Paths of the modules it depends on, in depmod's load order. */
  deps: string[];
}

export interface BuiltinAlias {
  module: string;
  pattern: string;
  record: number;
}

export interface Softdep {
  pre: string[];
  post: string[];
}

/** Calls `each` with every non-empty, non-comment line (trimmed, so CRLF is tolerated) and its 1-based number. */
function forEachContentLine(text: string, each: (line: string, lineNumber: number) => void): void {
  let start = 0;
  let lineNumber = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNumber++;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line !== '' && line[0] !== '#') each(line, lineNumber);
  }
}

const WHITESPACE = /\s+/;

/** Whitespace-separated fields; the common single-space case without a regular expression. */
function splitFields(line: string): string[] {
  return line.indexOf('\t') < 0 && line.indexOf('  ') < 0 ? line.split(' ') : line.split(WHITESPACE);
}

/**
 * modules.alias and modules.symbols (`alias PATTERN MODULE`, with `prefix` required on the pattern: `symbol:` for
 * modules.symbols): calls `each` for every entry, in line order, and adds the unreadable lines to `warnings` as it
 * goes (so `each` can add its own, in order). Streams over the text rather than building a record per line, because
 * modules.alias has tens of thousands of lines.
 */
export function scanAliasFile(
  text: string,
  file: string,
  prefix: string,
  warnings: DbWarning[],
  each: (pattern: string, module: string, line: number) => void,
): void {
  const slowLine = (l: string, line: number): void => {
    const fields = splitFields(l);
    if (fields.length !== 3 || fields[0] !== 'alias') {
      warnings.push({ file, line, message: `expected \`alias ${prefix || 'PATTERN'}... MODULE\`, found \`${l}\`` });
    } else if (!fields[1].startsWith(prefix)) {
      warnings.push({ file, line, message: `alias \`${fields[1]}\` does not start with \`${prefix}\`` });
    } else {
      each(fields[1], fields[2], line);
    }
  };
  // depmod writes single spaces and LF; anything else goes through the general (trimming, splitting) path.
  if (/[\t\r]/.test(text)) {
    forEachContentLine(text, slowLine);
    return;
  }
  let start = 0;
  let line = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    const patternStart = start + 6;
    const space = text.indexOf(' ', patternStart);
    const extra = text.indexOf(' ', space + 1);
    if (
      text.startsWith('alias ', start) &&
      text.startsWith(prefix, patternStart) &&
      space > patternStart &&
      space + 1 < end &&
      (extra < 0 || extra >= end)
    ) {
      each(text.slice(patternStart, space), text.slice(space + 1, end), line);
    } else {
      const l = text.slice(start, end).trim();
      if (l !== '' && l[0] !== '#') slowLine(l, line);
    }
    start = end + 1;
  }
}

/** One modules.dep line, `PATH: DEP...`, or null when it has no path. */
function parseDepLine(l: string): DepEntry | null {
  const colon = l.indexOf(':');
  const path = colon < 0 ? '' : l.slice(0, colon).trim();
  if (path === '') return null;
  const rest = l.slice(colon + 1).trim();
  return { path, deps: rest === '' ? [] : splitFields(rest) };
}

/** modules.dep (`PATH: DEP...`), keyed by module name in file order; a repeated name keeps its first entry, as kmod does. */
export function parseModulesDep(text: string, file: string): Parsed<Map<string, DepEntry>> {
  const value = new Map<string, DepEntry>();
  const warnings: DbWarning[] = [];
  forEachContentLine(text, (l, line) => {
    const entry = parseDepLine(l);
    if (entry === null) {
      warnings.push({ file, line, message: `expected \`PATH: DEPENDENCIES\`, found \`${l}\`` });
      return;
    }
    const name = modnameFromPath(entry.path);
    if (value.has(name)) {
      warnings.push({
        file,
        line,
        message: `module ${name} listed again (first at ${value.get(name)!.path}); keeping the first`,
      });
      return;
    }
    value.set(name, entry);
  });
  return { value, warnings };
}

/**
 * modules.dep.bin: the module name maps to its modules.dep line, with the module's position in modules.dep as the
 * priority. Returned in that order, as parseModulesDep returns it; kmod reads only a key's first value.
 */
export function parseModulesDepIndex(entries: IndexEntry[], file: string): Parsed<Map<string, DepEntry>> {
  const read: Array<{ name: string; entry: DepEntry; priority: number }> = [];
  const warnings: DbWarning[] = [];
  for (const { key, values, offset } of entries) {
    const entry = parseDepLine(values[0].value);
    if (entry === null)
      warnings.push({
        file,
        offset,
        message: `module ${key}: expected \`PATH: DEPENDENCIES\`, found \`${values[0].value}\``,
      });
    else read.push({ name: key, entry, priority: values[0].priority });
    if (values.length > 1)
      warnings.push({ file, offset, message: `module ${key} has ${values.length} entries; kmod uses the first` });
  }
  read.sort((a, b) => a.priority - b.priority);
  return { value: new Map(read.map((r) => [r.name, r.entry])), warnings };
}

/** modules.builtin: one path per line; returns the module names. */
export function parseModulesBuiltin(text: string, file: string): Parsed<Set<string>> {
  const value = new Set<string>();
  const warnings: DbWarning[] = [];
  forEachContentLine(text, (l, line) => {
    if (WHITESPACE.test(l)) warnings.push({ file, line, message: `expected one module path, found \`${l}\`` });
    else value.add(modnameFromPath(l));
  });
  return { value, warnings };
}

/**
 * modules.builtin.modinfo: NUL-separated `module.key=value` records; returns the `alias` records, the ones depmod
 * turns into modules.builtin.alias.bin.
 */
export function parseBuiltinModinfo(text: string, file: string): Parsed<BuiltinAlias[]> {
  const value: BuiltinAlias[] = [];
  const warnings: DbWarning[] = [];
  const records = text.split('\0');
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    if (record === '') continue;
    const dot = record.indexOf('.');
    const eq = record.indexOf('=', dot + 1);
    if (dot <= 0 || eq < 0) {
      warnings.push({
        file,
        line: i + 1,
        message: `record ${i + 1} is not \`module.key=value\`: \`${record.slice(0, 80)}\``,
      });
      continue;
    }
    if (record.slice(dot + 1, eq) !== 'alias') continue;
    const pattern = record.slice(eq + 1);
    if (pattern === '')
      warnings.push({ file, line: i + 1, message: `record ${i + 1}: empty alias for ${record.slice(0, dot)}` });
    else value.push({ module: record.slice(0, dot), pattern, record: i + 1 });
  }
  return { value, warnings };
}

/** modules.softdep (`softdep MODULE pre: A B post: C`), keyed by module name. */
export function parseModulesSoftdep(text: string, file: string): Parsed<Map<string, Softdep>> {
  const value = new Map<string, Softdep>();
  const warnings: DbWarning[] = [];
  forEachContentLine(text, (l, line) => {
    const [keyword, module, ...rest] = splitFields(l);
    if (keyword !== 'softdep' || module === undefined) {
      warnings.push({ file, line, message: `expected \`softdep MODULE pre: ... post: ...\`, found \`${l}\`` });
      return;
    }
    const deps: Softdep = value.get(module) ?? { pre: [], post: [] };
    let list: string[] | null = null;
    for (const word of rest) {
      if (word === 'pre:') list = deps.pre;
      else if (word === 'post:') list = deps.post;
      else if (list === null)
        warnings.push({ file, line, message: `\`${word}\` is not after \`pre:\` or \`post:\`, so kmod ignores it` });
      else list.push(word);
    }
    value.set(module, deps);
  });
  return { value, warnings };
}
