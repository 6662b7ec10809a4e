/**
 * Every rule in one record: id, title, description, help, default severity, and which side checks it (the trace
 * replay, the source scan, or both). The checks live where their data is (engine/rules for the trace,
 * analysis/rules.ts for the source); the renderers, the editor and SARIF read the rule's words from here.
 */

export type Severity = 'error' | 'warning' | 'info';

export interface RuleRecord {
  id: string;
  title: string;
  description: string;
  /** What to do about a finding: SARIF's `help`, the editor's hover. */
  help: string;
  defaultSeverity: Severity;
  /** Checked on a replayed trace, on the sources, or on both. */
  checkedOn: { trace: boolean; source: boolean };
}

const CATALOG = [
  {
    id: 'duplicate-request',
    title: 'Duplicate module request',
    description:
      'The same name was requested again while an earlier request for it was still tracked (kernel/module/dups.c rules: exact name, a wait=1 first request anchors, entries live 60 s after the anchor completes).',
    help:
      'Several callers asked for the same module at once. Check whether the first request was a request_module_nowait() ' +
      '(dups.c cannot anchor it), make the callers share one request, or load the module earlier (softdep, ' +
      'modules-load.d). With CONFIG_MODULE_DEBUG_AUTOLOAD_DUPS=y the kernel converges wait=1 duplicates on the first request.',
    defaultSeverity: 'warning',
    checkedOn: { trace: true, source: false },
  },
  {
    id: 'undocumented-alias',
    title: 'Undocumented alias',
    description:
      'A requested name that no MODULE_ALIAS* declaration, modules.alias pattern, module name, symbol or built-in documents.',
    help:
      'Nothing declares this name. Add MODULE_ALIAS("NAME") (or the matching MODULE_ALIAS_* macro) to the module that ' +
      'provides it, request the module by a documented alias, or drop the request if no module can ever answer it.',
    defaultSeverity: 'warning',
    checkedOn: { trace: true, source: true },
  },
  {
    id: 'unchecked-zero-return',
    title: 'Zero return taken as "loaded"',
    description:
      'request_module() returning 0 only means modprobe ran and exited 0; callers must look the service up again. Flags call sites that use the service on the zero path without looking again, and requests that resolved yet loaded nothing.',
    help:
      'request_module() returning 0 does not mean the module is loaded. Look the service up again after the request ' +
      '(the get_fs_type() idiom) or use try_then_request_module(), and handle the case where it is still missing.',
    defaultSeverity: 'warning',
    checkedOn: { trace: true, source: true },
  },
  {
    id: 'name-too-long',
    title: 'Module name too long',
    description:
      'The format can produce a name that does not fit MODULE_NAME_LEN (56 bytes with the NUL on 64-bit); the kernel rejects it with -ENAMETOOLONG before any trace event.',
    help:
      'Bound the name: give %s a precision (%.*s), shorten the literal part, or check the length before calling; names ' +
      'longer than MODULE_NAME_LEN - 1 bytes fail with -ENAMETOOLONG and never reach modprobe.',
    defaultSeverity: 'error',
    checkedOn: { trace: false, source: true },
  },
  {
    id: 'throttled-request',
    title: 'Throttled module request',
    description:
      'Replayed against the 50 concurrent kmod slots, the request would have waited for a slot or failed with -ETIME after 5 s (under the 2.6 kernel model: failed at once with -ENOMEM; under 2.1: its name never reached modprobe); in a kernel log, the kernel said so itself (kmod busy: -ETIME; on 2.6-era kernels, "runaway loop": -ENOMEM).',
    help:
      'More than 50 module requests were in flight at once. Reduce the fan-out (coalesce requests, load the modules ' +
      'ahead of time) so no request waits for a kmod slot or fails with -ETIME.',
    defaultSeverity: 'warning',
    checkedOn: { trace: true, source: false },
  },
  {
    id: 'request-loop',
    title: 'Request loop',
    description:
      'A request made on behalf of a request for the same name, on one chain of requests: a module whose init requests the name it was loaded for, or a modprobe that cannot be executed without the binary format (binfmt-XXXX) it was started to load. The recursion that hangs boots.',
    help:
      'Break the cycle. A module must not request its own name (or alias) from its init: register what it provides ' +
      'before looking it up, or look it up without autoloading. For binfmt-XXXX, make the format available without a ' +
      'module (build the handler in, or load it before anything of that format runs), and keep modprobe itself in a ' +
      'format the kernel can always execute.',
    defaultSeverity: 'warning',
    checkedOn: { trace: true, source: false },
  },
] as const satisfies readonly RuleRecord[];

type CatalogEntry = (typeof CATALOG)[number];

export type RuleId = CatalogEntry['id'];
/** The rules the source scan checks: the only ones a SourceFinding can carry. */
export type SourceRuleId = Extract<CatalogEntry, { checkedOn: { source: true } }>['id'];

/** Each rule by its id. */
export const RULES = Object.fromEntries(CATALOG.map((r) => [r.id, r])) as Record<RuleId, RuleRecord & { id: RuleId }>;

/** Rule ids in catalog order: the order of SARIF's rules (ruleIndex), of the summaries and of the text sections. */
export const RULE_IDS: readonly RuleId[] = CATALOG.map((r) => r.id);
