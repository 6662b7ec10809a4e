/** The findings the source alone supports: unchecked-zero-return, name-too-long, undocumented-alias (static half). */
import { RULES } from '../engine/rules/catalog';
import type { AliasDeclaration, CallSiteInfo, SourceFinding } from '../engine/sourceIndex';
import type { RawCall } from './facts';
import { fnmatch } from './format';

/** MODULE_NAME_LEN on 64-bit kernels: 64 - sizeof(unsigned long), NUL included. */
export const MODULE_NAME_LEN = 56;

/** Request functions whose zero return callers tend to misread (try_then_request_module looks again by itself). */
const ZERO_RETURN_CALLEES = new Set(['request_module', 'request_module_nowait', '__request_module']);

export function uncheckedZeroReturn(site: CallSiteInfo, raw: RawCall): SourceFinding | null {
  if (site.kind !== 'direct' || !ZERO_RETURN_CALLEES.has(site.callee)) return null;
  if (site.returnUse === 'returned' || site.returnUse === 'argument') return null;
  const z = raw.zeroPath;
  if (z.lookups.length > 0 || z.retry) return null;
  const location = { file: site.file, line: site.line, column: site.column };
  const what = site.name ?? site.pattern ?? 'the module';
  const related: SourceFinding['related'] = [];
  let message: string;
  if (site.returnUse === 'discarded' || site.returnUse === 'void-cast' || (site.returnUse === 'assigned' && !site.assignedTested)) {
    message = `${site.callee}(${what}) ignores the return value and ${site.function ?? 'the code'} never looks the service up again: a 0 return does not mean the module is loaded`;
  } else {
    if (z.testLine !== null) related.push({ file: site.file, line: z.testLine, column: 1, message: 'the return value is tested here; on 0 the code goes on as if the module were loaded' });
    message = `${site.callee}(${what}) returning 0 is taken as success, but ${site.function ?? 'the code'} never looks the service up again after it: callers must check the service is now available`;
  }
  return { rule: 'unchecked-zero-return', severity: RULES['unchecked-zero-return'].defaultSeverity, message, name: site.name, location, related };
}

/**
 * A bounded format whose longest name does not fit, or an unbounded one (`%s` without precision) whose shortest name
 * already does not: an unbounded `%s` alone is not flagged, or every `request_module("%s", name)` would be.
 */
export function nameTooLong(site: CallSiteInfo, maxLength: number, minLength: number): SourceFinding | null {
  const what =
    site.name !== null
      ? `"${site.name}" is ${maxLength} bytes`
      : Number.isFinite(maxLength)
        ? `format "${site.format}" can produce ${maxLength} bytes`
        : `every name format "${site.format}" produces is at least ${minLength} bytes`;
  if ((Number.isFinite(maxLength) ? maxLength : minLength) + 1 <= MODULE_NAME_LEN) return null;
  return {
    rule: 'name-too-long',
    severity: RULES['name-too-long'].defaultSeverity,
    message: `${what}; with the NUL that exceeds MODULE_NAME_LEN (${MODULE_NAME_LEN} on 64-bit): the kernel returns -ENAMETOOLONG before any trace event`,
    name: site.name,
    location: { file: site.file, line: site.line, column: site.column },
    related: [],
  };
}

/** Sorted strings starting with `prefix`. */
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

const underscored = (s: string) => s.replace(/-/g, '_');

// The file list of a scan does not change between re-analyses of one file: sort its base names once.
const moduleNameCache = new WeakMap<readonly string[], string[]>();
function moduleNamesOf(sourceFiles: readonly string[]): string[] {
  let names = moduleNameCache.get(sourceFiles);
  if (!names) {
    names = [...new Set(sourceFiles.filter((f) => f.endsWith('.c')).map((f) => underscored(f.slice(f.lastIndexOf('/') + 1, -2))))].sort();
    moduleNameCache.set(sourceFiles, names);
  }
  return names;
}

/**
 * Declared alias values indexed by their literal prefix, so each family is matched against a few candidates.
 * Module names (a source file's base name, as Kbuild names single-file modules) satisfy requests too: modprobe
 * treats `-` and `_` alike, so a `tcp_%s` family is documented by tcp_bbr.c and friends.
 */
export class AliasCatalog {
  private readonly values: string[];
  private readonly patterns: string[];
  private readonly moduleNames: string[];

  constructor(aliases: readonly AliasDeclaration[], sourceFiles: readonly string[]) {
    this.moduleNames = moduleNamesOf(sourceFiles);
    const values = new Set<string>();
    const patterns = new Set<string>();
    for (const a of aliases) {
      if (a.value === null) continue;
      if (/[*?[]/.test(a.value)) patterns.add(a.value);
      else values.add(a.value);
    }
    this.values = [...values].sort();
    this.patterns = [...patterns];
  }

  /** Whether some declared alias can be requested by a site with this pattern and literal family. */
  covers(pattern: string, family: string): boolean {
    for (const v of withPrefix(this.values, family)) if (fnmatch(pattern, v)) return true;
    for (const m of withPrefix(this.moduleNames, underscored(family))) if (fnmatch(underscored(pattern), m)) return true;
    return this.patterns.some((p) => {
      const literal = p.slice(0, p.search(/[*?[]/));
      return (family.startsWith(literal) || literal.startsWith(family));
    });
  }
}

export function undocumentedAlias(site: CallSiteInfo, catalog: AliasCatalog): SourceFinding | null {
  if (site.pattern === null || site.family === null || site.name !== null || site.family === '') return null;
  if (catalog.covers(site.pattern, site.family)) return null;
  return {
    rule: 'undocumented-alias',
    severity: RULES['undocumented-alias'].defaultSeverity,
    message: `names of the form "${site.pattern}" are requested here, but no MODULE_ALIAS* declaration (nor a module's file name) in the tree matches that pattern`,
    name: null,
    location: { file: site.file, line: site.line, column: site.column },
    related: [],
  };
}
