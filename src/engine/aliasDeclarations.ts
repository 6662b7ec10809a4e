/** Which MODULE_ALIAS* declarations of a source index document a requested name, or a call site's name pattern. */
import { fnmatch } from './modules/fnmatch';
import { normalizeModuleName } from './resolution';
import type { AliasDeclaration } from './sourceIndex';

/** Declarations whose alias (itself an fnmatch pattern, as in modules.alias) matches `name`, after `-`/`_` normalisation. */
export function declarationsDocumenting(aliases: AliasDeclaration[], name: string): AliasDeclaration[] {
  const wanted = normalizeModuleName(name);
  return aliases.filter((a) => a.value !== null && fnmatch(normalizeModuleName(a.value), wanted));
}

/** Declarations whose alias a call site requesting `pattern` (`fs-*`) can produce. */
export function declarationsMatchingPattern(aliases: AliasDeclaration[], pattern: string): AliasDeclaration[] {
  const wanted = normalizeModuleName(pattern);
  return aliases.filter((a) => a.value !== null && fnmatch(wanted, normalizeModuleName(a.value)));
}
