/**
 * Links a traced request — `call_site=SYMBOL [module]` and the name it asked for — to the source lines that can have
 * made it, the way the compiler emits code (DESIGN.md, "Linking a traced request to source"). The symbol is the
 * function holding the call instruction after inlining, so from it the linker follows, in this order of certainty:
 *   1. its own request calls and those of the static helpers of its file, inlined to any depth (`direct`, `inlined`);
 *   2. calls it makes whose callee ends with a request in tail position, emitted as a jump (`tail-call`);
 *   3. global functions of its file, which GCC inlines too (`inlined-global`).
 * Among the calls reached, only those whose name shape can print the requested name are locations; the first level
 * that has one answers. A symbol from which nothing can make the name is `stale`.
 */
import * as path from 'node:path';
import { shapeMatches } from './nameShape';
import type {
  CallSiteInfo,
  CallSiteLink,
  CallSiteLinkKind,
  FunctionInfo,
  LinkedLocation,
  LocationLinkKind,
  NameOrigin,
  SourceIndex,
  SourceLocation,
} from './sourceIndex';

/** Where a module's object lives in the tree, from its modules.dep path (`kernel/fs/ext4/ext4.ko` → `fs/ext4`). */
export function moduleDirectory(depPath: string): string {
  return path.posix.dirname(depPath.replace(/^(\/lib\/modules\/[^/]+\/)?kernel\//, ''));
}

/** The source name of a traced symbol: no offset, no GCC clone suffix (`tty_ldisc_get.part.0`, `.isra.0`, `.cold`). */
export function symbolFunction(symbol: string): string {
  return symbol
    .replace(/\+0x[0-9a-f]+(\/0x[0-9a-f]+)?$/i, '')
    .trim()
    .replace(/(\.(part|isra|constprop|cold|lto_priv|localalias)(\.\d+)?)+$/, '');
}

/** A function reached from the traced one, with the chain that reached it and whether every call on it is a tail call. */
interface Reached {
  fn: FunctionInfo;
  via: string[];
  allTail: boolean;
}

const LEVEL_ORDER: readonly LocationLinkKind[] = ['direct', 'inlined', 'tail-call', 'inlined-global'];
const MAX_FITS = 8;
const MAX_CACHED = 65536;

const keyOf = (file: string, name: string) => `${file}\0${name}`;
const placeOf = (l: SourceLocation) => `${l.file}:${l.line}:${l.column}`;
const location = (s: CallSiteInfo): SourceLocation => ({ file: s.file, line: s.line, column: s.column });

export class CallSiteLinker {
  private readonly byName = new Map<string, FunctionInfo[]>();
  private readonly byKey = new Map<string, FunctionInfo>();
  /** Sites whose request is compiled in the function that holds them, by file and function. */
  private readonly sitesIn = new Map<string, CallSiteInfo[]>();
  /** Folders holding scanned sources: a module's folder among them means its code was scanned. */
  private readonly folders = new Set<string>();
  private readonly cache = new Map<string, CallSiteLink>();
  /** Request sites by place, and the calls of deferred wrappers by the struct field they queue names in. */
  private readonly siteAt = new Map<string, CallSiteInfo>();
  private readonly queuedBy = new Map<string, CallSiteInfo[]>();

  /** `modulePath` gives a module's modules.dep path (to pick a static function's file), when a modules directory is known. */
  constructor(
    readonly index: SourceIndex,
    private readonly modulePath: ((module: string) => string | null) | null = null,
  ) {
    for (const f of index.functions) {
      const list = this.byName.get(f.name);
      if (list) list.push(f);
      else this.byName.set(f.name, [f]);
      this.byKey.set(keyOf(f.file, f.name), f);
    }
    for (const s of index.callSites) {
      // Calls of the deferred wrapper itself (nothing between it and the queue), not of functions that call it.
      if (s.queue !== null && !s.requestsHere && s.via.length === 0) {
        const list = this.queuedBy.get(s.queue);
        if (list) list.push(s);
        else this.queuedBy.set(s.queue, [s]);
      }
      if (!s.requestsHere || s.function === null) continue;
      this.siteAt.set(placeOf(s), s);
      const key = keyOf(s.file, s.function);
      const list = this.sitesIn.get(key);
      if (list) list.push(s);
      else this.sitesIn.set(key, [s]);
    }
    const files = [...index.callSites, ...index.aliases, ...index.functions].map((x) => x.file);
    for (const file of new Set(files))
      for (let d = path.posix.dirname(file); d !== '.' && !this.folders.has(d); d = path.posix.dirname(d))
        this.folders.add(d);
  }

  link(symbol: string, module: string | null, name: string): CallSiteLink {
    const key = `${symbol}\0${module ?? ''}\0${name}`;
    let found = this.cache.get(key);
    if (!found) {
      found = this.compute(symbol, module, name);
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      this.cache.set(key, found);
    }
    return found;
  }

  private compute(symbol: string, module: string | null, name: string): CallSiteLink {
    const fnName = symbolFunction(symbol);
    let candidates = this.byName.get(fnName) ?? [];
    const depPath = module && this.modulePath ? this.modulePath(module) : null;
    const dir = depPath ? moduleDirectory(depPath) : null;
    if (dir !== null) candidates = candidates.filter((f) => f.file === dir || f.file.startsWith(`${dir}/`));
    if (candidates.length === 0) {
      // A module whose folder was scanned holds no such function that reaches a request: its code cannot have asked.
      return dir !== null && this.folders.has(dir) ? this.stale(name) : { link: 'none', locations: [] };
    }
    let best: { level: number; locations: LinkedLocation[] }[] = [];
    let bestLevel = LEVEL_ORDER.length;
    for (const f of candidates) {
      const r = this.locate(f, name);
      if (r === null || r.level > bestLevel) continue;
      if (r.level < bestLevel) best = [];
      bestLevel = r.level;
      best.push(r);
    }
    if (best.length === 0) return this.stale(name);
    const locations = best.flatMap((b) => b.locations);
    const origins = this.origins(locations, name);
    if (best.length > 1) return { link: 'ambiguous', locations, ...(origins && { origins }) };
    const kinds = new Set(locations.map((l) => l.link));
    const link: CallSiteLinkKind = LEVEL_ORDER.find((k) => kinds.has(k)) ?? 'direct';
    return { link, locations, ...(origins && { origins }) };
  }

  /**
   * A request that reads its name from a queue (`request_module("%s", req->module)`): the deferred wrappers' calls
   * whose formats make that name (`nft-expr-1-ct` ← `nft_request_module(net, "nft-expr-%u-%.*s", ...)`). Undefined
   * when no location reads a queue.
   */
  private origins(locations: readonly LinkedLocation[], name: string): NameOrigin[] | undefined {
    const queues = new Set(
      locations.map((l) => this.siteAt.get(placeOf(l))?.queue).filter((q): q is string => typeof q === 'string'),
    );
    if (queues.size === 0) return undefined;
    const origins: NameOrigin[] = [];
    for (const q of queues) {
      for (const s of this.queuedBy.get(q) ?? [])
        if (canMake(s, name)) origins.push({ ...location(s), callee: s.callee, via: [s.callee] });
    }
    return origins;
  }

  /** The locations in `f`'s reach that can make `name`, at the most certain level that has any. */
  private locate(f: FunctionInfo, name: string): { level: number; locations: LinkedLocation[] } | null {
    const inlined = this.inlineClosure(f, (g) => g.isStatic);
    // 1. Compiled in `f` itself (its own calls and its inlined static helpers'). A call `f` ends with may have been
    //    emitted as a jump and then carries f's caller's symbol: it answers only when no other call here can.
    const here = this.matching(inlined, name, (r) => (r.fn === f ? 'direct' : 'inlined'));
    const notTail = here.filter((h) => !h.tail);
    if (here.length > 0) return { level: 0, locations: (notTail.length > 0 ? notTail : here).map((h) => h.location) };
    // 2. Callees, not inlined here, whose request ends them: the jump returns into `f`.
    const tail: LinkedLocation[] = [];
    for (const r of inlined) {
      for (const call of r.fn.calls) {
        const callee = this.byKey.get(keyOf(call.file, call.name));
        if (!callee || (callee.isStatic && callee.file === f.file)) continue;
        const ends = this.inlineClosure(callee, (g) => g.isStatic, true).map((e) => ({
          ...e,
          via: [...r.via, ...e.via],
        }));
        tail.push(
          ...this.matching(ends, name, () => 'tail-call')
            .filter((m) => m.tail)
            .map((m) => m.location),
        );
      }
    }
    if (tail.length > 0) return { level: 2, locations: unique(tail) };
    // 3. Global functions of f's file, inlined anyway, with their own static helpers.
    const global = this.inlineClosure(f, (g) => g.file === f.file).filter((r) => !inlined.some((i) => i.fn === r.fn));
    const globalSites = this.matching(global, name, () => 'inlined-global');
    if (globalSites.length > 0) return { level: 3, locations: globalSites.map((h) => h.location) };
    return null;
  }

  /**
   * `f` and the functions of its file it calls that `inlines` accepts, at any depth, each with its chain. With
   * `tailOnly`, only calls in tail position are followed (a request at the end of what `f` ends with ends `f` too).
   */
  private inlineClosure(f: FunctionInfo, inlines: (g: FunctionInfo) => boolean, tailOnly = false): Reached[] {
    const out: Reached[] = [{ fn: f, via: [f.name], allTail: true }];
    const seen = new Set([f]);
    for (let i = 0; i < out.length; i++) {
      const r = out[i];
      for (const call of r.fn.calls) {
        if (call.file !== f.file || (tailOnly && !call.tail)) continue;
        const g = this.byKey.get(keyOf(call.file, call.name));
        if (!g || seen.has(g) || !inlines(g)) continue;
        seen.add(g);
        out.push({ fn: g, via: [...r.via, g.name], allTail: r.allTail && call.tail });
      }
    }
    return out;
  }

  /** Request sites of the reached functions whose shapes can print `name`; `tail`: the site ends the traced function. */
  private matching(
    reached: readonly Reached[],
    name: string,
    kind: (r: Reached) => LocationLinkKind,
  ): Array<{ location: LinkedLocation; tail: boolean }> {
    const out: Array<{ location: LinkedLocation; tail: boolean }> = [];
    for (const r of reached) {
      for (const s of this.sitesIn.get(keyOf(r.fn.file, r.fn.name)) ?? []) {
        if (!canMake(s, name)) continue;
        out.push({ location: { ...location(s), link: kind(r), via: r.via }, tail: s.tail && r.allTail });
      }
    }
    return out;
  }

  /** Nothing the symbol reaches makes the name: say which call sites' shapes it fits. */
  private stale(name: string): CallSiteLink {
    const fits: SourceLocation[] = [];
    for (const s of this.index.callSites) {
      if (
        !s.requestsHere ||
        s.shapes === null ||
        !s.shapes.some((sh) => sh.some((p) => typeof p === 'string') && shapeMatches(sh, name))
      )
        continue;
      fits.push(location(s));
      if (fits.length === MAX_FITS) break;
    }
    return { link: 'stale', locations: [], fits };
  }
}

/** Whether the site can request `name` (a site of which nothing is known can request anything). */
function canMake(site: CallSiteInfo, name: string): boolean {
  return site.shapes === null || site.shapes.some((shape) => shapeMatches(shape, name));
}

function unique(locations: LinkedLocation[]): LinkedLocation[] {
  const seen = new Set<string>();
  return locations.filter((l) => {
    const k = `${l.file}:${l.line}:${l.column}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
