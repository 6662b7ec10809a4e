/** The findings the source alone supports: unchecked-zero-return, name-too-long, undocumented-alias (static half). */
import type { CallSiteInfo, SourceFinding } from '../engine/sourceIndex';
import type { RawCall } from './facts';
import type { AliasCatalog } from '../engine/aliasDeclarations';

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
  return { rule: 'unchecked-zero-return', severity: 'warning', message, name: site.name, location, related };
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
    severity: 'error',
    message: `${what}; with the NUL that exceeds MODULE_NAME_LEN (${MODULE_NAME_LEN} on 64-bit): the kernel returns -ENAMETOOLONG before any trace event`,
    name: site.name,
    location: { file: site.file, line: site.line, column: site.column },
    related: [],
  };
}

export function undocumentedAlias(site: CallSiteInfo, catalog: AliasCatalog): SourceFinding | null {
  if (site.pattern === null || site.family === null || site.name !== null || site.family === '') return null;
  if (catalog.documents(site.pattern)) return null;
  return {
    rule: 'undocumented-alias',
    severity: 'warning',
    message: `names of the form "${site.pattern}" are requested here, but no MODULE_ALIAS* declaration (nor a module's file name) in the tree matches that pattern`,
    name: null,
    location: { file: site.file, line: site.line, column: site.column },
    related: [],
  };
}
