/**
 * The one answer to "is this name documented in the sources?": which MODULE_ALIAS* declarations (or module names)
 * document a requested name or a call site's name pattern. Names and aliases are compared as kmod compares them
 * (`-` and `_` alike outside `[...]`, fnmatch(3) patterns); used by the scan's undocumented-alias rule, the replay,
 * hovers and Resolve Alias alike.
 */
import { appendAll } from '../appendAll';
import { fnmatch } from './fnmatch';
import { aliasNormalize } from './names';
import type { AliasDeclaration, SourceIndex } from '../sourceIndex';

interface Declared {
  declaration: AliasDeclaration;
  /** The alias, normalised. */
  value: string;
  /** Its literal text before the first wildcard. */
  prefix: string;
}

/** The literal text a pattern starts with, unescaped (`fs-*` → `fs-`). */
export function literalPrefix(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' || c === '?' || c === '[') break;
    if (c === '\\' && i + 1 < pattern.length) out += pattern[++i];
    else out += c;
  }
  return out;
}

const hasWildcard = (value: string) => literalPrefix(value).length !== value.replace(/\\(.)/g, '$1').length;

/** Strings of a sorted list that start with `prefix`. */
function* withPrefix(sorted: readonly string[], prefix: string): Generator<string> {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < prefix) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < sorted.length && sorted[i].startsWith(prefix); i++) yield sorted[i];
}

const catalogs = new WeakMap<SourceIndex, AliasCatalog>();

export class AliasCatalog {
  private readonly plain = new Map<string, AliasDeclaration[]>();
  private readonly plainSorted: string[];
  private readonly patterns: Declared[] = [];
  private readonly moduleNames: string[];
  /** Each declaration's place in the index, so that answers list declarations in the index's order. */
  private readonly order = new Map<AliasDeclaration, number>();

  /** The catalog of a source index, built once per index. */
  static of(index: SourceIndex): AliasCatalog {
    let c = catalogs.get(index);
    if (!c) catalogs.set(index, (c = new AliasCatalog(index.aliases, index.moduleNames)));
    return c;
  }

  /** `moduleNames`: the tree's module names, which a request by plain module name finds. */
  constructor(aliases: readonly AliasDeclaration[], moduleNames: readonly string[]) {
    for (const declaration of aliases) {
      this.order.set(declaration, this.order.size);
      const value = declaration.value === null ? null : aliasNormalize(declaration.value);
      if (value === null) continue;
      if (hasWildcard(value)) {
        this.patterns.push({ declaration, value, prefix: literalPrefix(value) });
        continue;
      }
      const list = this.plain.get(value);
      if (list) list.push(declaration);
      else this.plain.set(value, [declaration]);
    }
    this.plainSorted = [...this.plain.keys()].sort();
    this.moduleNames = [...new Set(moduleNames.map((m) => m.replace(/-/g, '_')))].sort();
  }

  /**
   * The declarations that document a requested name (those whose alias, an fnmatch pattern as in modules.alias,
   * matches it), or the names a call site's pattern (`fs-*`) can request (declared names it matches, and declared
   * patterns whose literal prefix agrees with its own).
   */
  declarations(nameOrPattern: string): AliasDeclaration[] {
    const wanted = aliasNormalize(nameOrPattern);
    if (wanted === null) return [];
    if (!hasWildcard(wanted)) {
      const found = [...(this.plain.get(wanted) ?? [])];
      for (const p of this.patterns)
        if (wanted.startsWith(p.prefix) && fnmatch(p.value, wanted)) found.push(p.declaration);
      return found.sort((a, b) => this.order.get(a)! - this.order.get(b)!);
    }
    const family = literalPrefix(wanted);
    const found: AliasDeclaration[] = [];
    for (const v of withPrefix(this.plainSorted, family)) if (fnmatch(wanted, v)) appendAll(found, this.plain.get(v)!);
    for (const p of this.patterns)
      if (family.startsWith(p.prefix) || p.prefix.startsWith(family)) found.push(p.declaration);
    return found.sort((a, b) => this.order.get(a)! - this.order.get(b)!);
  }

  /** Whether a declaration, or a module's name (which modprobe finds as well), documents the name or the pattern. */
  documents(nameOrPattern: string): boolean {
    if (this.declarations(nameOrPattern).length > 0) return true;
    const wanted = aliasNormalize(nameOrPattern);
    if (wanted === null) return false;
    for (const m of withPrefix(this.moduleNames, literalPrefix(wanted))) if (fnmatch(wanted, m)) return true;
    return false;
  }
}
