/** The findings the source alone supports: unchecked-zero-return, name-too-long, undocumented-alias (static half). */
import { RULES } from '../engine/ruleCatalog';
import type { CallSiteInfo, SourceFinding } from '../engine/sourceIndex';
import type { RawCall } from './facts';
import type { AliasCatalog } from '../engine/modules/aliasDeclarations';

/** MODULE_NAME_LEN on 64-bit kernels: 64 - sizeof(unsigned long), NUL included. */
export const MODULE_NAME_LEN = 56;

/** Request functions whose zero return callers tend to misread (try_then_request_module looks again by itself). */
const ZERO_RETURN_CALLEES = new Set(['request_module', 'request_module_nowait', '__request_module']);

/** Past this length the call's arguments after the first are elided (a wrapper's may run over several lines). */
const CALL_TEXT_MAX = 72;

/**
 * The call as the source writes it, `request_module("fs-%.*s", len, name)`, followed by what the analysis knows that
 * the text does not show: the name (`("fs-ext4")`, through a macro or a constant) or the format the macros build
 * (`(format "i2c:%s")`). A call whose name the analysis cannot tell is named by its argument text alone.
 */
export function callText(site: CallSiteInfo, annotate = true): string {
  const args = site.arguments.map((a) => a.replace(/\s+/g, ' ').trim());
  let text = `${site.callee}(${args.join(', ')})`;
  if (text.length > CALL_TEXT_MAX && args.length > 1) text = `${site.callee}(${args[0]}, …)`;
  if (!annotate) return text;
  const shown = (literal: string) => text.includes(`"${literal}"`);
  if (site.name !== null) return shown(site.name) ? text : `${text} ("${site.name}")`;
  if (site.format !== null && !shown(site.format)) return `${text} (format "${site.format}")`;
  return text;
}

export function uncheckedZeroReturn(site: CallSiteInfo, raw: RawCall): SourceFinding | null {
  if (site.kind !== 'direct' || !ZERO_RETURN_CALLEES.has(site.callee)) return null;
  if (site.returnUse === 'returned' || site.returnUse === 'argument') return null;
  const z = raw.zeroPath;
  if (z.lookups.length > 0 || z.retry) return null;
  const location = { file: site.file, line: site.line, column: site.column };
  const call = callText(site);
  const after = site.function === null ? 'the code after it' : `${site.function}()`;
  const related: SourceFinding['related'] = [];
  let message: string;
  if (
    site.returnUse === 'discarded' ||
    site.returnUse === 'void-cast' ||
    (site.returnUse === 'assigned' && !site.assignedTested)
  ) {
    message = `${call} ignores the return value, and ${after} never looks the service up again: a 0 return does not mean the module is loaded`;
  } else {
    if (z.testLine !== null)
      related.push({
        file: site.file,
        line: z.testLine,
        column: 1,
        message: 'the return value is tested here; on 0 the code goes on as if the module were loaded',
      });
    message = `${call} returning 0 is taken as success, but ${after} never looks the service up again: a 0 return does not mean the module is loaded`;
  }
  return {
    rule: 'unchecked-zero-return',
    severity: RULES['unchecked-zero-return'].defaultSeverity,
    message,
    name: site.name,
    location,
    related,
  };
}

/**
 * A bounded format whose longest name does not fit, or an unbounded one (`%s` without precision) whose shortest name
 * already does not: an unbounded `%s` alone is not flagged, or every `request_module("%s", name)` would be.
 */
export function nameTooLong(site: CallSiteInfo, maxLength: number, minLength: number): SourceFinding | null {
  if ((Number.isFinite(maxLength) ? maxLength : minLength) + 1 <= MODULE_NAME_LEN) return null;
  const what =
    site.name !== null
      ? `${callText(site, false)} requests "${site.name}", ${maxLength} bytes`
      : Number.isFinite(maxLength)
        ? `${callText(site)} can request names of up to ${maxLength} bytes`
        : `every name ${callText(site)} can request is at least ${minLength} bytes long`;
  return {
    rule: 'name-too-long',
    severity: RULES['name-too-long'].defaultSeverity,
    message: `${what}; with the NUL that exceeds MODULE_NAME_LEN (${MODULE_NAME_LEN} on 64-bit), so the kernel returns -ENAMETOOLONG before any trace event`,
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
    severity: RULES['undocumented-alias'].defaultSeverity,
    message: `${callText(site, false)} requests names of the form "${site.pattern}"${site.kind === 'wrapper' ? ` through ${site.via.join(' → ')}` : ''}, but no MODULE_ALIAS* declaration and no module's file name in the tree matches that pattern`,
    name: null,
    location: { file: site.file, line: site.line, column: site.column },
    related: [],
  };
}
