/** The tree-wide steps: per-file facts → wrappers, call sites, expanded aliases, functions, findings. */
import type { AliasDeclaration, CallSiteInfo, FunctionInfo, SourceFinding, SourceIndex, WrapperInfo } from '../engine/sourceIndex';
import { expandAlias } from './aliases';
import type { FileFacts, RawCall } from './facts';
import { MacroTable } from './macroTable';
import { REQUEST_FUNCTIONS } from './requestFunctions';
import { AliasCatalog, nameTooLong, uncheckedZeroReturn, undocumentedAlias } from './rules';
import { WrapperIndex } from './wrappers';

export interface FileCounts {
  scanned: number;
  skipped: number;
  unreadable: Array<{ file: string; reason: string }>;
}

export function macroTableOf(facts: Iterable<FileFacts>): MacroTable {
  const table = new MacroTable();
  for (const f of facts) for (const m of f.macros) table.add(m);
  return table;
}

const byPosition = <T extends { file: string; line: number; column?: number }>(a: T, b: T) =>
  a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.column ?? 0) - (b.column ?? 0);

/** For re-analysing one file: the previous index, whose other files' aliases stand when no #define changed. */
export interface Reuse {
  index: SourceIndex;
  file: string;
}

export function buildIndex(root: string, facts: ReadonlyMap<string, FileFacts>, counts: FileCounts, extraWrappers: readonly string[], sourceFiles: readonly string[], reuse?: Reuse): SourceIndex {
  const all = [...facts.values()];
  const macros = macroTableOf(all);
  const wrappers = new WrapperIndex(all, macros, extraWrappers);

  const callSites: CallSiteInfo[] = [];
  const raws = new Map<CallSiteInfo, { raw: RawCall; maxLength: number }>();
  for (const f of all) {
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
        arguments: raw.args.map((a) => a.text),
        returnUse: raw.returnUse,
        assignedTested: raw.assignedTested,
        wait: api ? api.wait : (ev?.via.at(-1) ?? 'request_module') !== 'request_module_nowait',
        endLine: raw.endLine,
        endColumn: raw.endColumn,
      };
      callSites.push(site);
      raws.set(site, { raw, maxLength: ev?.maxLength ?? Infinity });
    }
  }
  callSites.sort(byPosition);

  const wrapperInfos: WrapperInfo[] = [...wrappers.wrappers.values()].map((w) => {
    const first = w.requests[0];
    const ev = first ? wrappers.evaluate(first, w.def.file) : null;
    return { name: w.def.name, kind: w.def.kind, file: w.def.file, line: w.def.line, pattern: ev?.pattern ?? null, calls: first?.callee ?? '' };
  });
  wrapperInfos.sort(byPosition);

  const aliases: AliasDeclaration[] = reuse ? reuse.index.aliases.filter((a) => a.file !== reuse.file) : [];
  for (const f of all) {
    if (!reuse || f.file === reuse.file) for (const a of f.aliases) aliases.push(...expandAlias(a, f.file, macros));
  }
  aliases.sort(byPosition);

  // Functions holding recorded calls; `callers` lists the helpers they call that hold call sites (inlining links).
  const holders = new Set(callSites.map((s) => `${s.file}\0${s.function}`));
  const functions: FunctionInfo[] = [];
  for (const d of wrappers.definitions) {
    if (d.kind !== 'function') continue;
    const helpers = [...new Set(d.calls.map((c) => c.callee).filter((n) => n !== d.name && !REQUEST_FUNCTIONS.has(n)))].filter((n) => {
      const target = wrappers.resolve(n, d.file);
      return target !== null && holders.has(`${target.file}\0${n}`);
    });
    functions.push({ name: d.name, file: d.file, line: d.line, endLine: d.endLine, isStatic: d.isStatic, callers: helpers });
  }
  functions.sort(byPosition);

  const catalog = new AliasCatalog(aliases, sourceFiles);
  const findings: SourceFinding[] = [];
  for (const site of callSites) {
    const { raw, maxLength } = raws.get(site) as { raw: RawCall; maxLength: number };
    for (const f of [uncheckedZeroReturn(site, raw), nameTooLong(site, maxLength), undocumentedAlias(site, catalog)]) if (f) findings.push(f);
  }

  return { root, callSites, wrappers: wrapperInfos, aliases, functions, findings, files: counts };
}
