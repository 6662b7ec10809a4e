/** The tree-wide steps: per-file facts → wrappers, call sites, expanded aliases, functions, findings. */
import type {
  AliasDeclaration,
  CallSiteInfo,
  FunctionInfo,
  SourceFinding,
  SourceIndex,
  WrapperInfo,
} from '../engine/sourceIndex';
import { expandAlias } from './aliases';
import type { FileFacts, RawCall } from './facts';
import { IncludeGraph } from './includeGraph';
import { MacroTable } from './macroTable';
import { REQUEST_FUNCTIONS } from './requestFunctions';
import { AliasCatalog } from '../engine/modules/aliasDeclarations';
import { nameTooLong, uncheckedZeroReturn, undocumentedAlias } from './rules';
import type { SourceTree } from './sourceTree';
import { type Definition, WrapperIndex } from './wrappers';

export interface FileCounts {
  scanned: number;
  skipped: number;
  unreadable: Array<{ file: string; reason: string }>;
}

/** The macros of these facts, looked up through `graph` (a scan's own, or a new one over its tree). */
export function macroTableOf(facts: Iterable<FileFacts>, graph: IncludeGraph): MacroTable {
  const table = new MacroTable(graph);
  for (const f of facts) {
    for (const m of f.macros) table.add(m);
    if (f.includes) graph.setIncludes(f.file, f.includes);
  }
  return table;
}

/** How the code around a request finds out whether the service came (see CallSiteInfo.recheck). */
function recheckOf(raw: RawCall): CallSiteInfo['recheck'] {
  // try_then_request_module(x, ...) evaluates x again; symbol_request(x) is try_then_request_module(symbol_get(x), ...).
  if (raw.callee === 'try_then_request_module' || raw.callee === 'symbol_request')
    return { line: raw.line, how: `${raw.callee} looks the service up again` };
  const lookup = raw.zeroPath.lookups[0];
  if (lookup) return { line: lookup.line, how: `${lookup.callee} looks the service up again` };
  const retry = raw.zeroPath.retry;
  return retry ? { line: retry.line, how: `the request is retried (${retry.how})` } : null;
}

/** Module names as kbuild gives single-file modules: each `.c` file's base name, `-` as `_`, sorted and distinct. */
function moduleNamesOf(sourceFiles: readonly string[]): string[] {
  const names = new Set<string>();
  for (const f of sourceFiles) if (f.endsWith('.c')) names.add(f.slice(f.lastIndexOf('/') + 1, -2).replace(/-/g, '_'));
  return [...names].sort();
}

const byPosition = <T extends { file: string; line: number; column?: number }>(a: T, b: T) =>
  a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.column ?? 0) - (b.column ?? 0);

/** What a full build knows that re-analysing one file can reuse while the tree-wide facts keep their shape. */
export interface IndexModel {
  wrappers: WrapperIndex;
  macros: MacroTable;
  catalog: AliasCatalog;
  extraWrappers: readonly string[];
}

type SiteWithRaw = { site: CallSiteInfo; raw: RawCall; maxLength: number; minLength: number };

function sitesOf(f: FileFacts, wrappers: WrapperIndex, extraWrappers: readonly string[]): SiteWithRaw[] {
  const out: SiteWithRaw[] = [];
  for (const raw of f.calls) {
    if (raw.inMacro) continue;
    const api = REQUEST_FUNCTIONS.get(raw.callee);
    const wrapper = api ? null : wrappers.wrapperFor(raw.callee, f.file);
    if (!api && !wrapper && !extraWrappers.includes(raw.callee)) continue;
    const ev = wrappers.evaluate(raw, f.file);
    const site: CallSiteInfo = {
      file: f.file,
      line: raw.line,
      column: raw.column,
      callee: raw.callee,
      kind: api ? 'direct' : 'wrapper',
      via: ev?.via ?? [],
      function: raw.definition,
      format: ev?.format ?? null,
      pattern: ev?.pattern ?? null,
      name: ev?.name ?? null,
      family: ev ? ev.family : null,
      shapes: ev && ev.shapes,
      arguments: raw.args.map((a) => a.text),
      returnUse: raw.returnUse,
      assignedTested: raw.assignedTested,
      tail: raw.tail,
      requestsHere: api !== undefined || wrapper?.def.kind === 'macro',
      recheck: recheckOf(raw),
      queue: ev?.queue ?? null,
      wait: api ? api.wait : (ev?.via.at(-1) ?? 'request_module') !== 'request_module_nowait',
      endLine: raw.endLine,
      endColumn: raw.endColumn,
    };
    out.push({ site, raw, maxLength: ev?.maxLength ?? Infinity, minLength: ev?.minLength ?? 0 });
  }
  return out;
}

/**
 * Functions holding recorded calls, each with its calls of functions that reach request call sites (holding sites
 * themselves, or calling such functions, at any depth): the paths the linker follows from a traced symbol.
 */
function functionsOf(
  defs: readonly Definition[],
  holders: ReadonlySet<string>,
  wrappers: WrapperIndex,
): FunctionInfo[] {
  // `holders`: functions (file NUL name) known to reach call sites, from these definitions' sites or from elsewhere.
  const key = (d: Definition) => `${d.file}\0${d.name}`;
  const targets = new Map<Definition, Array<{ call: RawCall; target: Definition }>>();
  for (const d of defs) {
    if (d.kind !== 'function') continue;
    const out: Array<{ call: RawCall; target: Definition }> = [];
    for (const call of d.calls) {
      if (call.callee === d.name || REQUEST_FUNCTIONS.has(call.callee)) continue;
      const target = wrappers.resolve(call.callee, d.file);
      if (target && target.kind === 'function') out.push({ call, target });
    }
    targets.set(d, out);
  }
  const reaching = new Set<string>(holders);
  for (let changed = true; changed;) {
    changed = false;
    for (const [d, out] of targets) {
      if (!reaching.has(key(d)) && out.some((o) => reaching.has(key(o.target)))) {
        reaching.add(key(d));
        changed = true;
      }
    }
  }
  const functions: FunctionInfo[] = [];
  for (const [d, out] of targets) {
    const calls = out
      .filter((o) => reaching.has(key(o.target)))
      .map(({ call, target }) => ({ name: target.name, file: target.file, line: call.line, tail: call.tail }));
    functions.push({ name: d.name, file: d.file, line: d.line, endLine: d.endLine, isStatic: d.isStatic, calls });
  }
  return functions;
}

const findingsOf = (sites: readonly SiteWithRaw[], catalog: AliasCatalog): SourceFinding[] =>
  sites.flatMap(({ site, raw, maxLength, minLength }) =>
    [uncheckedZeroReturn(site, raw), nameTooLong(site, maxLength, minLength), undocumentedAlias(site, catalog)].filter(
      (f): f is SourceFinding => f !== null,
    ),
  );

const holderKey = (s: CallSiteInfo) => `${s.file}\0${s.function}`;

/** The macros of a set of facts, and the wrappers they define. */
export interface MacrosAndWrappers {
  macros: MacroTable;
  wrappers: WrapperIndex;
}

const macrosAndWrappers = (
  all: readonly FileFacts[],
  extraWrappers: readonly string[],
  graph: IncludeGraph,
): MacrosAndWrappers => {
  const macros = macroTableOf(all, graph);
  return { macros, wrappers: new WrapperIndex(all, macros, extraWrappers) };
};

/** The model of an index built earlier from these facts (its alias declarations already expanded), for updates. */
export function indexModel(
  facts: ReadonlyMap<string, FileFacts>,
  aliases: readonly AliasDeclaration[],
  extraWrappers: readonly string[],
  sourceFiles: readonly string[],
  tree: SourceTree,
): IndexModel {
  return {
    ...macrosAndWrappers([...facts.values()], extraWrappers, new IncludeGraph(tree)),
    catalog: new AliasCatalog(aliases, moduleNamesOf(sourceFiles)),
    extraWrappers,
  };
}

/**
 * The index of these facts, looked up through `graph` (a scan's: the include orders it worked out are reused);
 * `known`: their macros and wrappers, when the caller has them (the scan's pass plan).
 */
export function buildIndex(
  graph: IncludeGraph,
  facts: ReadonlyMap<string, FileFacts>,
  counts: FileCounts,
  extraWrappers: readonly string[],
  sourceFiles: readonly string[],
  known: MacrosAndWrappers | null = null,
): { index: SourceIndex; model: IndexModel } {
  const { tree } = graph;
  const all = [...facts.values()];
  const { macros, wrappers } = known ?? macrosAndWrappers(all, extraWrappers, graph);

  const sites = all.flatMap((f) => sitesOf(f, wrappers, extraWrappers));
  const callSites = sites.map((s) => s.site).sort(byPosition);

  const wrapperInfos: WrapperInfo[] = [...wrappers.wrappers.values()].map((w) => {
    const first = w.requests[0];
    const ev = first ? wrappers.evaluate(first, w.def.file) : null;
    return {
      name: w.def.name,
      kind: w.def.kind,
      file: w.def.file,
      line: w.def.line,
      pattern: ev?.pattern ?? null,
      calls: first?.callee ?? '',
      queue: w.queue,
    };
  });
  wrapperInfos.sort(byPosition);

  const aliases: AliasDeclaration[] = all
    .flatMap((f) => f.aliases.flatMap((a) => expandAlias(a, f.file, macros)))
    .sort(byPosition);
  const functions = functionsOf(wrappers.definitions, new Set(callSites.map(holderKey)), wrappers).sort(byPosition);
  const moduleNames = moduleNamesOf(sourceFiles);
  const catalog = new AliasCatalog(aliases, moduleNames);
  const findings = findingsOf(
    [...sites].sort((a, b) => byPosition(a.site, b.site)),
    catalog,
  );

  return {
    index: {
      root: tree.root,
      kernelDirectory: tree.kernelDirectory,
      callSites,
      wrappers: wrapperInfos,
      aliases,
      functions,
      findings,
      moduleNames,
      files: counts,
    },
    model: { wrappers, macros, catalog, extraWrappers },
  };
}

/** What wrapper discovery and macro lookup see of a file: everything but positions. */
function shapeOf(f: FileFacts | undefined): string {
  if (!f) return '';
  return JSON.stringify([
    f.definitions.map((d) => [d.name, d.kind, d.isStatic, d.params, d.variadic]),
    f.calls.map((c) => [c.callee, c.definition, c.inMacro, c.args]),
    f.macros.map((m) => [m.name, m.params, m.variadic, m.body]),
    f.includes ?? [],
  ]);
}

/**
 * Re-analysis of one file against the rest of the index without rebuilding it: possible while the file's
 * definitions, calls, macros and alias values keep their shape (the usual edit); null when a full build is needed.
 */
export function updateIndex(
  prev: SourceIndex,
  model: IndexModel,
  before: FileFacts | undefined,
  after: FileFacts | null,
  file: string,
): SourceIndex | null {
  if (shapeOf(before) !== shapeOf(after ?? undefined)) return null;
  const aliasesNow = after ? after.aliases.flatMap((a) => expandAlias(a, file, model.macros)) : [];
  const valuesOf = (xs: AliasDeclaration[]) => JSON.stringify(xs.map((a) => [a.macro, a.value, a.reason]));
  if (valuesOf(aliasesNow) !== valuesOf(prev.aliases.filter((a) => a.file === file))) return null;
  const others = <T extends { file: string }>(xs: T[]) => xs.filter((x) => x.file !== file);
  const sites = after ? sitesOf(after, model.wrappers, model.extraWrappers) : [];
  const callSites = [...others(prev.callSites), ...sites.map((s) => s.site)].sort(byPosition);
  const defs: Definition[] = (after?.definitions ?? []).map((d) => ({
    ...d,
    file,
    calls: after?.calls.filter((c) => c.definition === d.name && c.line >= d.line && c.line <= d.endLine) ?? [],
  }));
  // Functions elsewhere reach call sites as before: an edit that keeps the file's shape changes no call.
  const reachingElsewhere = others(prev.functions)
    .filter((fn) => fn.calls.length > 0)
    .map((fn) => `${fn.file}\0${fn.name}`);
  const functions = [
    ...others(prev.functions),
    ...functionsOf(defs, new Set([...callSites.map(holderKey), ...reachingElsewhere]), model.wrappers),
  ].sort(byPosition);
  const lineOf = new Map(defs.map((d) => [`${d.kind}\0${d.name}`, d.line]));
  const wrappers = prev.wrappers
    .map((w) => (w.file === file ? { ...w, line: lineOf.get(`${w.kind}\0${w.name}`) ?? w.line } : w))
    .sort(byPosition);
  const findings = [...prev.findings.filter((f) => f.location.file !== file), ...findingsOf(sites, model.catalog)];
  findings.sort((a, b) => byPosition(a.location, b.location));
  return {
    ...prev,
    callSites,
    wrappers,
    aliases: [...others(prev.aliases), ...aliasesNow].sort(byPosition),
    functions,
    findings,
  };
}
