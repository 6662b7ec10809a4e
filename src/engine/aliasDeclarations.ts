/** Which MODULE_ALIAS* declarations of a source index document a requested name, or a call site's name pattern. */
import { fnmatch } from './modules/fnmatch';
import { aliasNormalize } from './modules/names';
import type { AliasDeclaration } from './sourceIndex';

/**
 * A source index's declarations, normalised once: a replay asks about every requested name, a kernel tree declares
 * thousands of aliases, and most of them are plain names that an exact look-up answers.
 */
interface Catalog {
  /** Each declaration's value as kmod normalises it, null when it has none. */
  normalised: Array<string | null>;
  /** Declarations (by position) whose value has no fnmatch special character, by that value. */
  plain: Map<string, number[]>;
  /** Declarations (by position) whose value is a pattern. */
  patterns: number[];
}

const catalogs = new WeakMap<readonly AliasDeclaration[], Catalog>();

function catalogOf(aliases: readonly AliasDeclaration[]): Catalog {
  let c = catalogs.get(aliases);
  if (c !== undefined) return c;
  c = { normalised: [], plain: new Map(), patterns: [] };
  for (let i = 0; i < aliases.length; i++) {
    const value = aliases[i]!.value;
    const normalised = value === null ? null : aliasNormalize(value);
    c.normalised.push(normalised);
    if (normalised === null) continue;
    if (/[*?[\\]/.test(normalised)) c.patterns.push(i);
    else {
      const same = c.plain.get(normalised);
      if (same === undefined) c.plain.set(normalised, [i]);
      else same.push(i);
    }
  }
  catalogs.set(aliases, c);
  return c;
}

/** Declarations whose alias (itself an fnmatch pattern, as in modules.alias) matches `name`, normalised as kmod does. */
export function declarationsDocumenting(aliases: readonly AliasDeclaration[], name: string): AliasDeclaration[] {
  const wanted = aliasNormalize(name);
  if (wanted === null) return [];
  const c = catalogOf(aliases);
  const found = [...(c.plain.get(wanted) ?? []), ...c.patterns.filter((i) => fnmatch(c.normalised[i]!, wanted))];
  return found.sort((a, b) => a - b).map((i) => aliases[i]!);
}

/** Declarations whose alias a call site requesting `pattern` (`fs-*`) can produce. */
export function declarationsMatchingPattern(aliases: readonly AliasDeclaration[], pattern: string): AliasDeclaration[] {
  const wanted = aliasNormalize(pattern);
  if (wanted === null) return [];
  const c = catalogOf(aliases);
  return aliases.filter((_, i) => c.normalised[i] !== null && fnmatch(wanted, c.normalised[i]!));
}
