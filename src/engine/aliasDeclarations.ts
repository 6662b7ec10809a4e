/** Which MODULE_ALIAS* declarations of a source index document a requested name, or a call site's name pattern. */
import { fnmatch } from './modules/fnmatch';
import { aliasNormalize } from './modules/names';
import type { AliasDeclaration } from './sourceIndex';

/** Declarations whose alias (itself an fnmatch pattern, as in modules.alias) matches `name`, normalised as kmod does. */
export function declarationsDocumenting(aliases: AliasDeclaration[], name: string): AliasDeclaration[] {
  const wanted = aliasNormalize(name);
  if (wanted === null) return [];
  return aliases.filter((a) => matches(a, (value) => fnmatch(value, wanted)));
}

/** Declarations whose alias a call site requesting `pattern` (`fs-*`) can produce. */
export function declarationsMatchingPattern(aliases: AliasDeclaration[], pattern: string): AliasDeclaration[] {
  const wanted = aliasNormalize(pattern);
  if (wanted === null) return [];
  return aliases.filter((a) => matches(a, (value) => fnmatch(wanted, value)));
}

function matches(a: AliasDeclaration, test: (normalisedValue: string) => boolean): boolean {
  const value = a.value === null ? null : aliasNormalize(a.value);
  return value !== null && test(value);
}
