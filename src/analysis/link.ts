/** Links a trace's `call_site=SYMBOL [module]` back to request call sites in the source index. */
import * as path from 'node:path';
import type { CallSiteLink, FunctionInfo, SourceIndex, SourceLocation } from '../engine/sourceIndex';

const INLINE_DEPTH = 3;

/** The directory a module's object lives in, from its modules.dep path (`kernel/fs/ext4/ext4.ko` → `fs/ext4`). */
function moduleDirectory(depPath: string): string {
  return path.posix.dirname(depPath.replace(/^(\/lib\/modules\/[^/]+\/)?kernel\//, ''));
}

export function linkCallSite(index: SourceIndex, symbol: string, module: string | null, modulePaths?: (module: string) => string | null): CallSiteLink {
  // GCC's clones keep the source name before the suffix (`tty_ldisc_get.part.0`, `.isra.0`, `.constprop.0`, `.cold`).
  const name = symbol.replace(/\+0x[0-9a-f]+(\/0x[0-9a-f]+)?$/i, '').trim().replace(/(\.(part|isra|constprop|cold|lto_priv|localalias)(\.\d+)?)+$/, '');
  let candidates: FunctionInfo[] = index.functions.filter((f) => f.name === name);
  if (candidates.length === 0) return { link: 'none', locations: [] };
  const depPath = module && modulePaths ? modulePaths(module) : null;
  if (depPath) {
    const dir = moduleDirectory(depPath);
    candidates = candidates.filter((f) => f.file === dir || f.file.startsWith(`${dir}/`));
    if (candidates.length === 0) return { link: 'stale', locations: [] };
  }
  // The trace names the function that called __request_module: direct sites only (a wrapper call requests deeper down).
  const sitesIn = (fn: string, file: string): SourceLocation[] =>
    index.callSites.filter((s) => s.kind === 'direct' && s.function === fn && s.file === file).map((s) => ({ file: s.file, line: s.line, column: s.column }));
  const direct = candidates.map((f) => ({ f, sites: sitesIn(f.name, f.file) })).filter((c) => c.sites.length > 0);
  if (direct.length === 1) return { link: 'direct', locations: direct[0].sites };
  if (direct.length > 1) return { link: 'ambiguous', locations: direct.flatMap((c) => c.sites) };
  // Inlining: the symbol calls helpers in its file that hold the request, up to INLINE_DEPTH calls deep
  // (bprm_execve → exec_binprm → search_binary_handler); the nearest level that holds sites wins.
  const byName = new Map<string, FunctionInfo>();
  for (const f of index.functions) byName.set(`${f.file}\0${f.name}`, f);
  const inlinedSites = (f: FunctionInfo): SourceLocation[] => {
    let level = [...new Set(f.callers ?? [])];
    const seen = new Set([f.name, ...level]);
    for (let depth = 0; depth < INLINE_DEPTH && level.length > 0; depth++) {
      const sites = level.flatMap((h) => sitesIn(h, f.file));
      if (sites.length > 0) return sites;
      level = [...new Set(level.flatMap((h) => byName.get(`${f.file}\0${h}`)?.callers ?? []))].filter((h) => !seen.has(h));
      level.forEach((h) => seen.add(h));
    }
    return [];
  };
  const inlined = candidates.map((f) => ({ f, sites: inlinedSites(f) })).filter((c) => c.sites.length > 0);
  if (inlined.length === 1) return { link: 'inlined', locations: inlined[0].sites };
  if (inlined.length > 1) return { link: 'ambiguous', locations: inlined.flatMap((c) => c.sites) };
  return { link: 'stale', locations: [] };
}
