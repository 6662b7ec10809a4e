/**
 * The plain interface between the analysis layer (tree-sitter) and the engine.
 * The analysis layer produces a SourceIndex; the engine and the extension consume it.
 * Paths are relative to the scanned root, with `/` separators; lines and columns are 1-based.
 */
import type { Finding } from './report';
import type { SourceRuleId } from './rules/catalog';

export type ReturnUse = 'discarded' | 'void-cast' | 'condition' | 'assigned' | 'returned' | 'argument';

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export interface CallSiteInfo extends SourceLocation {
  /** `request_module`, `__request_module`, ... for direct sites; the wrapper's name for wrapper sites. */
  callee: string;
  kind: 'direct' | 'wrapper';
  /** For wrapper sites: the chain down to the direct request (`['__sock_create']`), else []. */
  via: string[];
  /** Enclosing function (or macro for sites inside #define bodies of wrappers), null at file scope. */
  function: string | null;
  /** The name format as written after concatenation / macro resolution, or null when not a literal. */
  format: string | null;
  /** fnmatch pattern of the names the site can request (`fs-*`), or null when unknown. */
  pattern: string | null;
  /** Concrete requested name when every argument is a constant (`fs-ext4`), else null. */
  name: string | null;
  /** Literal prefix of the pattern (`fs-`), the alias family. */
  family: string | null;
  /** Raw argument texts. */
  arguments: string[];
  returnUse: ReturnUse;
  /** For `assigned`: whether the variable is tested afterwards. */
  assignedTested: boolean | null;
  /** Whether the call waits (`request_module_nowait` does not). */
  wait: boolean;
  /** End of the callee's call expression, for editor ranges. */
  endLine: number;
  endColumn: number;
}

export interface WrapperInfo {
  name: string;
  kind: 'function' | 'macro';
  file: string;
  line: number;
  pattern: string | null;
  /** The function/macro it calls to make the request. */
  calls: string;
}

export interface AliasDeclaration {
  file: string;
  line: number;
  column: number;
  /** `MODULE_ALIAS`, `MODULE_ALIAS_FS`, ... */
  macro: string;
  /** Expanded alias string as depmod would write it, or null when it cannot be expanded. */
  value: string | null;
  /** Why `value` is null. */
  reason: string | null;
}

export interface FunctionInfo {
  name: string;
  file: string;
  line: number;
  endLine: number;
  isStatic: boolean;
  /** Functions this one calls that hold request call sites (for linking through inlining). */
  callers?: string[];
}

/**
 * A finding computed from source alone (unchecked-zero-return, name-too-long, static undocumented-alias): a Finding
 * of a rule the scan checks, always located in the source, with the other source lines involved instead of trace
 * requests.
 */
export interface SourceFinding extends Pick<Finding, 'severity' | 'message' | 'name'> {
  rule: SourceRuleId;
  location: SourceLocation;
  /** Other lines involved (the use on the zero path, ...). */
  related: Array<SourceLocation & { message: string }>;
}

export interface SourceIndex {
  root: string;
  callSites: CallSiteInfo[];
  wrappers: WrapperInfo[];
  aliases: AliasDeclaration[];
  functions: FunctionInfo[];
  findings: SourceFinding[];
  /** Files read, skipped (size, binary), and unreadable (with reason). */
  files: { scanned: number; skipped: number; unreadable: Array<{ file: string; reason: string }> };
}

/** How a trace `call_site=SYMBOL [module]` links back to source. */
export type CallSiteLinkKind = 'direct' | 'inlined' | 'ambiguous' | 'stale' | 'none';

export interface CallSiteLink {
  link: CallSiteLinkKind;
  locations: SourceLocation[];
}
