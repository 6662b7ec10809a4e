/** Help texts, global and per command. Kept within 100 columns. */

export const GLOBAL_USAGE = `Usage: autoload-lens <command> [options]

Linux module autoloading, from the trace and from the source.

Commands:
  replay TRACE      replay a module_request trace through a model of kmod and report the findings
  diff BASE NEW     replay two traces and report what changed in autoloading from BASE to NEW
  resolve NAME...   resolve module names and aliases as 'modprobe -R' does
  scan DIR          index the request_module call sites, wrappers and MODULE_ALIAS lines of a tree

Options:
  -h, --help        show this help; 'autoload-lens <command> --help' shows a command's options
  -V, --version     print the version

Exit status: 0 no findings at or above --fail-on (diff: none added), 1 findings, 2 bad usage or
unreadable input, 130 interrupted (Ctrl-C).
`;

const FAIL_ON_HELP = `  --fail-on LEVEL         error | warning | info | never: exit 1 when a finding is at least
                          this severe (default warning)`;

export const REPLAY_USAGE = `Usage: autoload-lens replay TRACE [options]

Replays the module_request, module_load and module_free events of TRACE (raw ftrace,
trace-cmd report, perf script or dmesg text) through a model of the kernel's autoloader, and
reports duplicate requests, undocumented aliases, zero returns that loaded nothing and
throttled requests.

Options:
  --modules DIR           module metadata of the traced kernel: the directory holding modules.alias,
                          modules.dep, ... (or a lib/modules/VERSION root)
  --loaded FILE           lsmod or /proc/modules output, to estimate what duplicates cost in memory
                          (the .ko files in the --modules directory are used first when present)
  --src DIR               C source tree: link trace call sites to source lines and check the names
                          against its MODULE_ALIAS declarations
  --wrapper NAME          with --src: also treat function or macro NAME as a request_module wrapper
                          (repeatable)
  --kdir DIR              with --src: the kernel tree the sources build against (see 'scan --help')
  --no-cache              with --src: neither read nor write the scan cache (see 'scan --help')
  --trace-format F        ftrace | trace-cmd | perf | dmesg (default: detected from the content)
  --dups-window SECONDS   how long dups.c keeps a name after its first request completes
                          (default 60)
  --kernel-model M        auto | 2.1 | 2.6 | modern | dups: whose autoloader the requests run
                          through, for each request's returnValue and modprobeRan (default auto:
                          by the kernel version; dups only when the log shows module-autoload:)
  --kernel-version V      the traced kernel's version (uname -r), when the --modules path does not
                          say it (lib/modules/VERSION)
  --compare-models        also run every other model: the "Kernel models" table
  --module-stats FILE     a copy of /sys/kernel/debug/modules/stats (CONFIG_MODULE_STATS, 6.4+): the
                          kernel's failed duplicate loads beside the trace's, module by module
  --format F              text | json | jsonl | sarif (default text); jsonl: one JSON record per
                          line (run, request, finding, summary), to load many boots into one table
  --label KEY=VALUE       with --format jsonl: copied into every record's labels (repeatable), e.g.
                          host=NAME, kernel=VERSION, boot=ID
  --output FILE           write the report to FILE (atomically) instead of standard output
${FAIL_ON_HELP}
  --color                 colour the text report
  -h, --help              show this help

The report is written as the trace is read: memory does not grow with the trace.
A binary trace.dat is not read: convert it with 'trace-cmd report trace.dat > trace.txt'.
`;

export const DIFF_USAGE = `Usage: autoload-lens diff BASE NEW [options]

Replays the traces BASE and NEW (as 'replay' does) and reports what changed: the names requested
only in NEW (added), only in BASE (removed), or in both with another request count, last outcome
or call sites (changed); the findings NEW added and those it removed; the request chains added
and removed. Requests are matched by name and call site, findings by rule, name and call site,
never by line or absolute time: times are seconds from each trace's first event.

Options:
  --modules DIR           module metadata of BASE's kernel (and NEW's, unless --modules-new)
  --modules-new DIR       module metadata of NEW's kernel, when it is another kernel
  --src DIR               C source tree: link both traces' call sites to source lines
  --wrapper NAME          with --src: also treat function or macro NAME as a request_module wrapper
                          (repeatable)
  --kdir DIR              with --src: the kernel tree the sources build against (see 'scan --help')
  --no-cache              with --src: neither read nor write the scan cache (see 'scan --help')
  --format F              text | json | sarif | markdown (default text); sarif: the findings NEW
                          added; markdown: tables for a pull-request comment
  --output FILE           write the diff to FILE (atomically) instead of standard output
  --fail-on LEVEL         error | warning | info | never: exit 1 when a finding NEW added is at
                          least this severe (default warning)
  --color                 colour the text report
  -h, --help              show this help

Each trace is replayed as it is read; the diff keeps per name its request count, last outcome
and call sites, the findings, and the request chains by root name, never the requests.
`;

export const RESOLVE_USAGE = `Usage: autoload-lens resolve NAME... --modules DIR [--verbose]

Prints the modules each NAME resolves to, one per line, as 'modprobe -R NAME' does (with
several names, each line starts with 'NAME: '). A name that resolves to nothing is reported on
standard error.

Options:
  --modules DIR           module metadata: the directory holding modules.alias, modules.dep, ...
                          (or a lib/modules/VERSION root); required
  -v, --verbose           also print how each name resolved (alias, module, symbol, builtin) and the
                          modules.alias patterns that matched
  -h, --help              show this help

Exit status: 0 every name resolved, 1 a name resolved to nothing, 2 bad usage or unreadable input.
`;

export const SCAN_USAGE = `Usage: autoload-lens scan DIR [options]

Indexes every request_module call site, every call of a wrapper discovered in the code, and every
MODULE_ALIAS declaration under DIR, and reports the call sites that take a zero return as "loaded",
names that can exceed MODULE_NAME_LEN, and alias families nothing declares.

Options:
  --wrapper NAME          also treat function or macro NAME as a request_module wrapper (repeatable)
  --kdir DIR              the kernel tree the code builds against (make -C DIR M=$PWD), whose
                          headers supply the macros and constants the scanned tree lacks (default:
                          the scanned tree when it is a kernel tree, else
                          /lib/modules/$(uname -r)/build when it exists)
  --no-cache              neither read nor write the scan cache
  --format F              text | json | sarif (default text)
  --output FILE           write the report to FILE (atomically) instead of standard output
${FAIL_ON_HELP}
  --color                 colour the text report
  -h, --help              show this help

KBUILD_MODNAME is the module name kbuild derives from each folder's Kbuild or Makefile.

Per-file results are cached outside the tree, in $XDG_CACHE_HOME/autoload-lens/scan (default
~/.cache/autoload-lens/scan), keyed by each file's path, size and mtime and by the scan's settings
and code: a second scan of the same tree only re-reads what changed.
`;
