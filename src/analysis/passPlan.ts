/**
 * What each scan pass looks for. The first: the request functions, MODULE_ALIAS and the wrappers the user names. Each
 * later one: what the facts found so far show is needed and no pass has searched yet — wrappers callable from anywhere
 * (global functions, header macros), macros found to declare aliases, and the constants that alias declarations, alias
 * macro bodies and call arguments use — until nothing new turns up.
 */
import { appendAll } from '../engine/appendAll';
import type { PassSets } from './batch';
import { splitArguments, tokenize, type Token } from './cpp';
import { type FileFacts, fillersWanted } from './facts';
import { macroTableOf, type MacrosAndWrappers } from './indexBuilder';
import type { PassTargets } from './scanProgress';
import { KBUILD_MODNAME, MODINFO_CALLS, type MacroTable } from './macroTable';
import { ALIAS_TOKEN, isAliasMacro, REQUEST_FUNCTIONS, REQUEST_TOKENS } from './requestFunctions';
import type { IncludeGraph } from './includeGraph';
import { WrapperIndex } from './wrappers';

const C_WORDS = new Set([
  'sizeof',
  'typeof',
  'unsigned',
  'signed',
  'long',
  'short',
  'char',
  'void',
  'const',
  'volatile',
  'struct',
  'union',
  'enum',
  'static',
  'inline',
  'extern',
  'return',
  'while',
  'break',
  'continue',
  'switch',
  'case',
  'default',
  'else',
  'float',
  'double',
  'bool',
  'true',
  'false',
  'NULL',
  '__VA_ARGS__',
]);

/** Sorted and distinct: batches complete in any order, and a pass (and its cache signature) must not depend on it. */
const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

export class PassPlan {
  /** The sets of the pass last planned. */
  current: PassSets;
  /**
   * The macros and wrappers of the facts `next` last planned from: when it found nothing more to search, those of the
   * scan's final facts, which building the index takes instead of working them out again.
   */
  model: MacrosAndWrappers | null = null;
  /** Every name a pass has searched so far. */
  private readonly searched: Set<string>;
  private allTokens: string[];
  private readonly apiNames = [...REQUEST_FUNCTIONS.keys()];

  constructor(
    private readonly extraWrappers: string[],
    private readonly wholeFile: boolean,
  ) {
    const first = [...REQUEST_TOKENS, ALIAS_TOKEN, ...extraWrappers];
    this.current = {
      search: first,
      searchHeaders: [],
      tokens: first,
      callees: [...this.apiNames, ...extraWrappers],
      constants: [],
      wholeFile,
      indexNames: true,
      aliasMacros: [],
      fillers: [],
    };
    this.searched = new Set(first);
    this.allTokens = first;
  }

  /**
   * The next pass, from the facts of the passes so far; null when it would look for nothing new. A file it selects is
   * analysed for the new names only; what earlier passes found in it is merged with that.
   */
  next(facts: ReadonlyMap<string, FileFacts>, graph: IncludeGraph): { sets: PassSets; targets: PassTargets } | null {
    const table = macroTableOf(facts.values(), graph);
    const wrappers = new WrapperIndex(facts.values(), table, this.extraWrappers);
    this.model = { macros: table, wrappers };
    const aliasMacros = sorted([...facts.values()].flatMap((f) => f.aliasMacros ?? []));
    // Functions that fill a buffer a request's name is read from: their definitions say what they print into it.
    const fillers = sorted([...facts.values()].flatMap(fillersWanted));
    const newWrappers = wrappers.globalNames().filter((n) => !this.searched.has(n));
    const newAliasMacros = aliasMacros.filter((n) => !this.searched.has(n) && !newWrappers.includes(n));
    const newFillers = fillers.filter(
      (n) => !this.searched.has(n) && !newWrappers.includes(n) && !newAliasMacros.includes(n),
    );
    const names = [...newWrappers, ...newAliasMacros, ...newFillers];
    const constants = [...wantedConstants(facts.values(), this.searched, table, wrappers)];
    if (names.length === 0 && constants.length === 0) return null;
    [...names, ...constants].forEach((n) => this.searched.add(n));
    this.allTokens = sorted([...this.allTokens, ...names, ...constants]);
    this.current = {
      search: sorted(names),
      searchHeaders: sorted(constants),
      tokens: sorted([...names, ...constants]),
      callees: sorted([...this.apiNames, ...this.extraWrappers, ...wrappers.wrapperNames()]),
      constants: sorted([...this.current.constants, ...constants]),
      wholeFile: this.wholeFile,
      indexNames: false,
      aliasMacros,
      fillers,
    };
    const targets = {
      wrappers: new Set(newWrappers).size,
      aliasMacros: new Set(newAliasMacros).size,
      fillers: new Set(newFillers).size,
      constants: constants.length,
    };
    return { sets: this.current, targets };
  }

  /** The sets that re-analyse one file completely (OpenSourceTree.update): the last pass's, with every name searched. */
  complete(): PassSets {
    return { ...this.current, tokens: this.allTokens };
  }
}

/** Identifiers whose `#define` the index still needs: in alias declarations, alias macro bodies and call arguments. */
function wantedConstants(
  facts: Iterable<FileFacts>,
  known: ReadonlySet<string>,
  table: MacroTable,
  wrappers: WrapperIndex,
): Set<string> {
  const wanted = new Set<string>();
  const constantLike = /^_*[A-Z][A-Z0-9_]{2,}$/;
  // A name some header defines was searched for already (that search reads every header defining it) or came with one
  // read for another name: searching it again finds nothing new, whether or not `file` sees that header.
  const found = (name: string, file: string) =>
    table.definitions(name).some((d) => d.file === file || !d.file.endsWith('.c'));
  const want = (name: string, anyCase: boolean, file: string) => {
    // KBUILD_MODNAME is kbuild's, not a #define of some header.
    if (known.has(name) || isAliasMacro(name) || C_WORDS.has(name) || name === KBUILD_MODNAME || found(name, file))
      return;
    if (table.lookupFrom(file)(name)) return;
    if (constantLike.test(name) || (anyCase && name.length >= 4)) wanted.add(name);
  };
  const all = [...facts];
  // Macros found to declare aliases (besides MODULE_ALIAS* themselves).
  const aliasMacroNames = new Set(all.flatMap((f) => f.aliasMacros ?? []));
  for (const f of all) {
    for (const a of f.aliases) for (const t of tokenize(a.text)) if (t.kind === 'ident') want(t.text, false, f.file);
    for (const c of f.calls) {
      c.args.forEach((a, j) => {
        if (a.kind === 'tokens' && wrappers.feedsName(c.callee, f.file, j))
          a.idents.forEach((i) => want(i, false, f.file));
      });
    }
    for (const m of f.macros) {
      const params = new Set(m.params ?? []);
      const body = tokenize(m.body);
      const calls = aliasCalls(body, aliasMacroNames);
      const feeding = calls.length > 0 ? calls : body;
      for (const t of feeding) if (t.kind === 'ident' && !params.has(t.text)) want(t.text, true, m.file);
    }
  }
  return wanted;
}

/**
 * The tokens of a macro body that can end up in an alias: its calls of MODULE_ALIAS*, of macros found to declare
 * aliases and of the modinfo macros, names and arguments. The rest of such a body (`module_init(...)`,
 * `BUILD_BUG_ON(...)`, `__maybe_unused` beside a MODULE_ALIAS) expands into no alias, and searching its names pulled
 * in the whole initcall, assertion and attribute machinery: 3,000 headers more in the first scan of a tree. Empty
 * when the body makes no such call: then all of it is the macro's value.
 */
function aliasCalls(body: Token[], aliasMacroNames: ReadonlySet<string>): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < body.length; i++) {
    const t = body[i];
    if (t.kind !== 'ident' || body[i + 1]?.text !== '(') continue;
    if (!(isAliasMacro(t.text) || aliasMacroNames.has(t.text) || MODINFO_CALLS.has(t.text))) continue;
    const split = splitArguments(body, i + 1);
    if (split === null) break;
    out.push(t);
    for (const arg of split.args) appendAll(out, arg);
    i = split.end;
  }
  return out;
}
