import type { NameShape } from './nameShape';

/**
 * The plain interface between the analysis layer (tree-sitter) and the engine.
 * The analysis layer produces a SourceIndex; the engine and the extension consume it.
 * Paths are relative to the scanned root, with `/` separators; lines and columns are 1-based.
 */
import type { Finding } from './report';
import type { SourceRuleId } from './ruleCatalog';

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
  /** For wrapper sites: the chain down to the direct request (`['__sock_create']`), else [] (also for a deferred wrapper's call). */
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
  /**
   * Every shape of name the site can request, as the kernel prints it (`char-major-%d`; each literal that reaches a
   * variable argument is a shape of its own), or null when nothing is known of the name (any name).
   */
  shapes: NameShape[] | null;
  /** The function ends with this call (`return f(...)`, or the last statement of a void function): see FunctionCall. */
  tail: boolean;
  /** The request is compiled at this line, in `function`: a request function, or a wrapper macro expanded here. */
  requestsHere: boolean;
  /**
   * How the code finds out whether the service came (a look-up made before the request and again after it, a guard
   * read again, a registry walked, a retry, or try_then_request_module / symbol_request doing it), or null.
   */
  recheck: { line: number; how: string } | null;
  /**
   * A name that passes through a queue: the struct field (`nft_module_request.module`) a request reads its name from
   * (`request_module("%s", req->module)`), or a deferred wrapper's call formats its name into; else null.
   */
  queue: string | null;
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
  /** A deferred wrapper: the struct field it queues names in, for a request that reads the field later; else null. */
  queue: string | null;
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
  /**
   * The module the declaring file is built into, as kbuild names it from the directory's Kbuild or Makefile: the
   * composite whose `NAME-y`/`NAME-objs` list holds the file's object, else the file's own name when `obj-…` lists
   * it; `-` and `,` become `_`, as in modules.alias. It is what `KBUILD_MODNAME` expands to. null when no Kbuild or
   * Makefile lists the file, several modules do, or the file is a header.
   */
  module: string | null;
}

/** A call from one function of the index to another that reaches request call sites. */
export interface FunctionCall {
  /** The function called, and the file of the definition the call reaches (its own file's first, else a global one). */
  name: string;
  file: string;
  line: number;
  /**
   * The caller ends with this call: the compiler may emit it as a jump, and requests made in the callee's own tail
   * position then carry the caller's symbol in traces.
   */
  tail: boolean;
}

export interface FunctionInfo {
  name: string;
  file: string;
  line: number;
  endLine: number;
  isStatic: boolean;
  /** Calls of functions that hold request call sites, directly or through further calls (for linking). */
  calls: FunctionCall[];
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

/** The kernel tree whose headers supply the macros and constants the scanned tree lacks (`make -C $KDIR M=$PWD`). */
export interface KernelDirectoryInfo {
  /** The directory as given or found (a kernel source tree, or a build directory such as /lib/modules/VERSION/build); null when none. */
  path: string | null;
  /**
   * How it was chosen: `given` (the --kdir option, the kernelDirectory setting), `tree` (the scanned tree is itself a
   * kernel tree), `running-kernel` (/lib/modules/$(uname -r)/build), `none` (neither exists).
   */
  source: 'given' | 'tree' | 'running-kernel' | 'none';
  /** Header folders read from it (absolute); empty when it is the scanned tree itself, whose files are read anyway. */
  includeDirs: string[];
  /** Headers (.h files) found under includeDirs. */
  headers: number;
}

export interface SourceIndex {
  root: string;
  kernelDirectory: KernelDirectoryInfo;
  callSites: CallSiteInfo[];
  wrappers: WrapperInfo[];
  aliases: AliasDeclaration[];
  functions: FunctionInfo[];
  findings: SourceFinding[];
  /**
   * The tree's module names as kbuild names single-file modules (each `.c` file's base name, `-` as `_`), sorted:
   * a request by plain module name finds them (see AliasCatalog).
   */
  moduleNames: string[];
  /** Files read, skipped (size, binary), and unreadable (with reason). */
  files: { scanned: number; skipped: number; unreadable: Array<{ file: string; reason: string }> };
}

/**
 * How a location was reached from a trace's `call_site` symbol: in that function itself, in a static helper inlined
 * into it (any depth), in a global function of the same file that GCC inlined, or in a function it called whose
 * request, in tail position, was emitted as a jump (the event then carries the caller's symbol).
 */
export type LocationLinkKind = 'direct' | 'inlined' | 'inlined-global' | 'tail-call';

/**
 * How a trace `call_site=SYMBOL [module]` with its requested name links back to source: one of the location kinds
 * when every location was reached that way; `ambiguous` when several functions of that name hold sites that can make
 * the name; `stale` when the symbol's code cannot make the name (its module was unloaded before the trace was read
 * and the address reused); `none` when the sources do not hold the symbol.
 */
export type CallSiteLinkKind = LocationLinkKind | 'ambiguous' | 'stale' | 'none';

export interface LinkedLocation extends SourceLocation {
  link: LocationLinkKind;
  /** Functions from the traced symbol to the one holding the call (`bpf_fill_super → populate_bpffs → bpf_preload_mod_get`). */
  via: string[];
}

/** Where a name requested later from a queue was made: a deferred wrapper's call (`nft_request_module(...)`). */
export interface NameOrigin extends SourceLocation {
  /** The deferred wrapper called. */
  callee: string;
  /** The functions from the call to the code that queues the name: the deferred wrapper. */
  via: string[];
}

export interface CallSiteLink {
  link: CallSiteLinkKind;
  locations: LinkedLocation[];
  /** For a name made by a deferred wrapper and requested later: the calls that made it. */
  origins?: NameOrigin[];
  /** For `stale`: call sites elsewhere whose names the requested one fits (what really asked, most likely). */
  fits?: SourceLocation[];
}
