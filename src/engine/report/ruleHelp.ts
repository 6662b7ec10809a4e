/** What to do about each finding: the `help` text of SARIF rules and of the text report's legend. */
import type { RuleId } from '../report';

export const RULE_HELP: Record<RuleId, string> = {
  'duplicate-request':
    'Several callers asked for the same module at once. Check whether the first request was a request_module_nowait() ' +
    '(dups.c cannot anchor it), make the callers share one request, or load the module earlier (softdep, ' +
    'modules-load.d). With CONFIG_MODULE_DEBUG_AUTOLOAD_DUPS=y the kernel converges wait=1 duplicates on the first request.',
  'undocumented-alias':
    'Nothing declares this name. Add MODULE_ALIAS("NAME") (or the matching MODULE_ALIAS_* macro) to the module that ' +
    'provides it, request the module by a documented alias, or drop the request if no module can ever answer it.',
  'unchecked-zero-return':
    'request_module() returning 0 does not mean the module is loaded. Look the service up again after the request ' +
    '(the get_fs_type() idiom) or use try_then_request_module(), and handle the case where it is still missing.',
  'name-too-long':
    'Bound the name: give %s a precision (%.*s), shorten the literal part, or check the length before calling; names ' +
    'longer than MODULE_NAME_LEN - 1 bytes fail with -ENAMETOOLONG and never reach modprobe.',
  'throttled-request':
    'More than 50 module requests were in flight at once. Reduce the fan-out (coalesce requests, load the modules ' +
    'ahead of time) so no request waits for a kmod slot or fails with -ETIME.',
};
