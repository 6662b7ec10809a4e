/**
 * Wrappers discovered from the code: a function or macro whose requested name depends on one of its own parameters,
 * transitively. Also evaluates what a call (direct or through wrappers) requests: format, pattern, concrete name.
 */
import { appendAll } from '../engine/appendAll';
import { concatenatedString, expand, tokenize } from './cpp';
import type { ArgExpr, FileFacts, RawCall, RawDefinition } from './facts';
import type { NamePiece } from '../engine/nameShape';
import { type FormatValue, type RenderedName, renderFormat } from './format';
import type { MacroTable } from './macroTable';
import { FILL_CALLS, PRINT_INTO, queueRead, REQUEST_FUNCTIONS } from './requestFunctions';

export interface Definition extends RawDefinition {
  file: string;
  /** Recorded calls made inside it. */
  calls: RawCall[];
}

export interface Wrapper {
  def: Definition;
  /** Parameter indexes the requested name depends on (a function's variadic rest is `params.length`). */
  nameParams: Set<number>;
  /** The calls inside it that make the request (first one gives the pattern). */
  requests: RawCall[];
  /**
   * A deferred wrapper (`nft_request_module`) makes no request: it formats the name into a struct field that a later
   * `request_module("%s", x->field)` reads. This is that field (`nft_module_request.module`), inherited by wrappers of it.
   */
  queue: string | null;
}

export interface Evaluated extends Omit<RenderedName, 'shape' | 'pattern' | 'family'> {
  /** Every shape the request can have: one per alternative value (`str` is "snd-seq" or "snd-timer"). */
  shapes: NamePiece[][];
  /** fnmatch pattern and literal prefix, when every alternative has the same. */
  pattern: string | null;
  family: string | null;
  format: string | null;
  /** The chain from the called wrapper down to the request function (`['__sock_create', 'request_module']`). */
  via: string[];
  /** The struct field the name is queued in (a deferred wrapper's), or read from (a request of `x->field`), else null. */
  queue: string | null;
}

interface Value {
  text: string;
  value: FormatValue;
  /** A struct field (`nft_module_request.module`) the value is read from. */
  storage?: string;
  /** A local that holds one of several values: each is evaluated on its own. */
  options?: Value[];
  /** For a printed buffer: the format it was printed with. */
  format?: string;
  /** A parameter of the definition being evaluated on its own (no caller to say what it is). */
  unboundParam?: true;
}

const MAX_CHAIN = 16;
/** Alternatives evaluated for one request before its name counts as unknown. */
const MAX_ALTERNATIVES = 16;
const isHeader = (file: string) => file.endsWith('.h');

/**
 * A file's calls made inside a definition, in the file's order: grouped by the definition's name and searched by line,
 * so that a file redefining one macro thousands of times does not filter all its calls for each definition.
 */
function callsByDefinition(calls: readonly RawCall[]): (d: RawDefinition) => RawCall[] {
  const byName = new Map<string, Array<{ call: RawCall; order: number }>>();
  calls.forEach((call, order) => {
    if (call.definition === null) return;
    const list = byName.get(call.definition);
    if (list) list.push({ call, order });
    else byName.set(call.definition, [{ call, order }]);
  });
  for (const list of byName.values()) list.sort((a, b) => a.call.line - b.call.line || a.order - b.order);
  return (d) => {
    const list = byName.get(d.name);
    if (list === undefined) return [];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].call.line < d.line) lo = mid + 1;
      else hi = mid;
    }
    const inside: Array<{ call: RawCall; order: number }> = [];
    for (let i = lo; i < list.length && list[i].call.line <= d.endLine; i++) inside.push(list[i]);
    return inside.sort((a, b) => a.order - b.order).map((e) => e.call);
  };
}

export class WrapperIndex {
  readonly definitions: Definition[] = [];
  private readonly byName = new Map<string, Definition[]>();
  readonly wrappers = new Map<Definition, Wrapper>();
  private readonly extra: Set<string>;
  /** Struct fields requests read their names from as they are: a fill of one of them queues a name (see Wrapper.queue). */
  private readonly queues = new Set<string>();

  constructor(
    facts: Iterable<FileFacts>,
    private readonly macros: MacroTable,
    extraWrappers: readonly string[] = [],
  ) {
    this.extra = new Set(extraWrappers);
    for (const f of facts) {
      const callsOf = callsByDefinition(f.calls);
      for (const d of f.definitions) {
        const def: Definition = { ...d, file: f.file, calls: callsOf(d) };
        for (const c of def.calls) {
          const queue = queueRead(c);
          if (queue !== null) this.queues.add(queue);
        }
        this.definitions.push(def);
        const list = this.byName.get(d.name);
        if (list) list.push(def);
        else this.byName.set(d.name, [def]);
      }
    }
    this.discover();
  }

  /** The definition a call of `name` in `file` reaches: the file's own, else a global one (non-static, or a header macro). */
  resolve(name: string, file: string): Definition | null {
    const defs = this.byName.get(name);
    if (!defs) return null;
    return (
      defs.find((d) => d.file === file) ??
      defs.find((d) => (d.kind === 'function' ? !d.isStatic : isHeader(d.file))) ??
      null
    );
  }

  wrapperFor(name: string, file: string): Wrapper | null {
    const def = this.resolve(name, file);
    return def ? (this.wrappers.get(def) ?? null) : null;
  }

  isRequestOrWrapper(name: string, file: string): boolean {
    return REQUEST_FUNCTIONS.has(name) || this.extra.has(name) || this.wrapperFor(name, file) !== null;
  }

  /** Whether argument `j` of a call of `callee` in `file` feeds the requested name. */
  feedsName(callee: string, file: string, j: number): boolean {
    const api = REQUEST_FUNCTIONS.get(callee);
    if (api) return j >= api.formatAt;
    const w = this.wrapperFor(callee, file);
    return w !== null && w.nameParams.has(paramAt(w.def, j));
  }

  /** Names whose callers may be anywhere in the tree. */
  globalNames(): string[] {
    const names = new Set(this.extra);
    for (const w of this.wrappers.values()) {
      if (w.def.kind === 'function' ? !w.def.isStatic : isHeader(w.def.file)) names.add(w.def.name);
    }
    return [...names];
  }

  /** All names calls of which are recorded: request functions, wrappers and user-declared wrappers. */
  wrapperNames(): string[] {
    return [...new Set([...this.extra, ...[...this.wrappers.keys()].map((d) => d.name)])];
  }

  private discover(): void {
    for (let changed = true; changed;) {
      changed = false;
      for (const def of this.definitions) {
        if (this.wrappers.has(def) || REQUEST_FUNCTIONS.has(def.name)) continue;
        const nameParams = new Set<number>();
        const requests: RawCall[] = [];
        for (const call of def.calls) {
          const deps = this.nameDependencies(call, def);
          if (deps.size === 0) continue;
          deps.forEach((d) => nameParams.add(d));
          requests.push(call);
        }
        if (nameParams.size > 0) {
          const queue =
            requests[0] === undefined
              ? null
              : FILL_CALLS.has(requests[0].callee)
                ? storageFilled(requests[0])
                : (this.wrapperFor(requests[0].callee, def.file)?.queue ?? null);
          this.wrappers.set(def, { def, nameParams, requests, queue });
          changed = true;
        }
      }
    }
  }

  /** Which of `def`'s parameters the name requested by `call` depends on. */
  private nameDependencies(call: RawCall, def: Definition): Set<number> {
    const deps = new Set<number>();
    if (FILL_CALLS.has(call.callee)) {
      // A name built from the parameters and queued in a struct field, for a request that reads the field later.
      const storage = storageFilled(call);
      const filled = storage !== null && this.queues.has(storage) ? filledValue(call) : null;
      if (filled) argDeps(filled).forEach((d) => deps.add(d));
      return deps;
    }
    const api = REQUEST_FUNCTIONS.get(call.callee);
    if (api) {
      if (api.symbol) {
        if (def.kind === 'macro') argDeps(call.args[0]).forEach((d) => deps.add(d));
      } else {
        call.args.slice(api.formatAt).forEach((a) => argDeps(a).forEach((d) => deps.add(d)));
      }
      return deps;
    }
    const inner = this.wrapperFor(call.callee, def.file);
    if (!inner || inner.def === def) return deps;
    // Through another wrapper, only a parameter passed on as it is makes a wrapper (sock_create_kern → __sock_create):
    // an expression of it (`cell->event.dest.client`) would make half the kernel a "wrapper" of something.
    call.args.forEach((a, j) => {
      if (
        inner.nameParams.has(paramAt(inner.def, j)) &&
        (a.kind === 'param' || a.kind === 'variadic' || a.kind === 'printed')
      )
        argDeps(a).forEach((d) => deps.add(d));
    });
    return deps;
  }

  /** What a recorded call requests, evaluated with the call's own arguments. */
  evaluate(call: RawCall, file: string): Evaluated | null {
    const values = this.values(call.args, null, file);
    return this.request(call.callee, values, file, 0);
  }

  private request(callee: string, values: Value[], file: string, depth: number): Evaluated | null {
    const choice = values.findIndex((v) => v.options !== undefined);
    if (choice >= 0) {
      const options = values[choice].options!;
      if (options.length > MAX_ALTERNATIVES)
        return this.request(
          callee,
          values.map((v, i) => (i === choice ? { text: v.text, value: null } : v)),
          file,
          depth,
        );
      const each = options.map((o) =>
        this.request(
          callee,
          values.map((v, i) => (i === choice ? o : v)),
          file,
          depth,
        ),
      );
      return each.includes(null) ? null : alternatives(each as Evaluated[]);
    }
    const api = REQUEST_FUNCTIONS.get(callee);
    if (api) {
      if (api.symbol) {
        // symbol_request(x) asks for "symbol:" #x: the symbol's own spelling, or any when a macro passes it on.
        const symbol = !values[0] || values[0].unboundParam ? null : values[0].text.trim();
        return evaluated(renderFormat('symbol:%s', symbol === null ? [] : [{ kind: 'string', value: symbol }]), null);
      }
      const fmt = values[api.formatAt];
      // request_module(buf) of a buffer printed elsewhere: the name is what was printed (vsnprintf keeps it as it is).
      if (fmt?.value?.kind === 'shape' && values.length === api.formatAt + 1)
        return evaluated(renderFormat('%s', [fmt.value]), fmt.format ?? null);
      if (fmt?.value?.kind !== 'string') return null;
      const args = values.slice(api.formatAt + 1);
      const rendered = renderFormat(
        fmt.value.value,
        args.map((a) => a.value),
      );
      const format = fmt.value.value === '%s' && args[0]?.format ? args[0].format : fmt.value.value;
      // request_module("%s", req->module): the name was queued in that field by a deferred wrapper.
      const queue = fmt.value.value === '%s' ? (args[0]?.storage ?? null) : null;
      return { ...evaluated(rendered, format), queue };
    }
    if (depth > MAX_CHAIN) return null;
    const wrapper = this.wrapperFor(callee, file);
    const first = wrapper?.requests[0];
    if ((!wrapper || !first) && this.extra.has(callee)) {
      // A wrapper named in the settings, whose body the discovery cannot follow (nft_request_module queues the name
      // for later): its first string-literal argument is taken as the format, the arguments after it feed it.
      const at = values.findIndex((v) => v.value?.kind === 'string');
      if (at < 0) return null;
      const fmt = (values[at].value as { value: string }).value;
      return evaluated(
        renderFormat(
          fmt,
          values.slice(at + 1).map((v) => v.value),
        ),
        fmt,
      );
    }
    if (!wrapper || !first) return null;
    if (FILL_CALLS.has(first.callee)) {
      const filled = filledValue(first);
      const v = filled && this.value(filled, values, wrapper.def.file);
      if (!v) return null;
      return { ...evaluated(renderFormat('%s', [v.value]), v.format ?? null), queue: wrapper.queue };
    }
    const inner = this.request(
      first.callee,
      this.values(first.args, values, wrapper.def.file),
      wrapper.def.file,
      depth + 1,
    );
    return inner ? { ...inner, via: [first.callee, ...inner.via] } : null;
  }

  /** Argument values; `env` holds the caller's values for the enclosing definition's parameters. */
  private values(args: ArgExpr[], env: Value[] | null, file: string): Value[] {
    const out: Value[] = [];
    for (const a of args) {
      if (a.kind === 'variadic') {
        if (env) appendAll(out, env.slice(a.index));
        continue;
      }
      out.push(this.value(a, env, file));
    }
    return out;
  }

  private value(a: ArgExpr, env: Value[] | null, file: string): Value {
    switch (a.kind) {
      case 'string':
        return { text: a.text, value: { kind: 'string', value: a.value } };
      case 'integer':
        return { text: a.text, value: { kind: 'integer', value: BigInt(a.value) } };
      case 'tokens':
        return { text: a.text, value: constantValue(a.text, this.macros, file) };
      case 'param':
        return env
          ? (env[a.index] ?? { text: a.text, value: null })
          : { text: a.text, value: null, unboundParam: true };
      case 'choice':
        return { text: a.text, value: null, options: a.options.map((o) => this.value(o, env, file)) };
      case 'stored':
        return { text: a.text, value: null, storage: a.storage };
      case 'filled': {
        // What the filling function prints or copies into that parameter (its own arguments are not known here).
        const def = this.resolve(a.callee, file);
        const fill = def?.calls.find(
          (c) => FILL_CALLS.has(c.callee) && c.args[0]?.kind === 'param' && c.args[0].index === a.index,
        );
        const filled = fill && filledValue(fill);
        return filled && def ? { ...this.value(filled, null, def.file), text: a.text } : { text: a.text, value: null };
      }
      case 'printed': {
        const fmt = this.value(a.format, env, file);
        if (fmt.value?.kind !== 'string') return { text: a.text, value: null };
        const r = renderFormat(
          fmt.value.value,
          this.values(a.args, env, file).map((v) => v.value),
        );
        const value: FormatValue =
          r.name !== null
            ? { kind: 'string', value: r.name }
            : { kind: 'shape', shape: r.shape, maxLength: r.maxLength };
        return { text: a.text, value, format: fmt.value.value };
      }
      default:
        return { text: a.text, value: null };
    }
  }
}

function evaluated(r: RenderedName, format: string | null): Evaluated {
  const { shape, ...rest } = r;
  return { ...rest, shapes: [shape], format, via: [], queue: null };
}

/** The struct field a fill call writes (`strscpy(req->module, ...)`), or null. */
function storageFilled(call: RawCall): string | null {
  const dest = call.args[0];
  return dest?.kind === 'stored' ? dest.storage : null;
}

/** What a fill call puts in its first argument: what it prints, or what it copies. */
function filledValue(call: RawCall): ArgExpr | null {
  const at = PRINT_INTO.get(call.callee);
  if (at === undefined) return call.args[1] ?? null;
  const format = call.args[at];
  return format ? { kind: 'printed', text: call.args[0]?.text ?? '', format, args: call.args.slice(at + 1) } : null;
}

/** One request whose argument holds one of several values: every shape, and what all alternatives share. */
function alternatives(each: Evaluated[]): Evaluated {
  const same = <T>(pick: (e: Evaluated) => T): T | null =>
    each.every((e) => pick(e) === pick(each[0])) ? pick(each[0]) : null;
  const seen = new Set<string>();
  const shapes = each
    .flatMap((e) => e.shapes)
    .filter((sh) => {
      const key = JSON.stringify(sh);
      return !seen.has(key) && seen.add(key) !== undefined;
    });
  return {
    shapes,
    pattern: same((e) => e.pattern),
    family: same((e) => e.family),
    name: same((e) => e.name),
    format: same((e) => e.format),
    via: each[0].via,
    queue: same((e) => e.queue),
    // Folded, not spread: the alternatives are as many as the source writes.
    maxLength: each.reduce((m, e) => Math.max(m, e.maxLength), -Infinity),
    minLength: each.reduce((m, e) => Math.min(m, e.minLength), Infinity),
  };
}

/** A function's variadic rest maps to index `params.length`; a macro's to its last (named) parameter. */
function paramAt(def: Definition, argIndex: number): number {
  if (def.kind === 'macro' && def.variadic) return Math.min(argIndex, def.params.length - 1);
  return def.variadic ? Math.min(argIndex, def.params.length) : argIndex;
}

function argDeps(a: ArgExpr | undefined): number[] {
  if (!a) return [];
  switch (a.kind) {
    case 'param':
    case 'variadic':
      return [a.index];
    case 'printed':
      return [...argDeps(a.format), ...a.args.flatMap(argDeps)];
    case 'choice':
      return a.options.flatMap(argDeps);
    case 'stored':
    case 'expr':
      return a.deps.filter((d) => d >= 0);
    default:
      return [];
  }
}

/** A string or integer constant through the macros visible from `file`, else unknown. */
export function constantValue(text: string, macros: MacroTable, file: string): FormatValue {
  const tokens = expand(tokenize(text), macros.lookupFrom(file));
  const s = concatenatedString(tokens);
  if (s !== null) return { kind: 'string', value: s };
  const body = tokens.filter((t) => t.text !== '(' && t.text !== ')');
  if (body.length === 1 && body[0].kind === 'number') {
    const t = body[0].text.replace(/[uUlL]+$/, '');
    if (/^(0[xX][0-9a-fA-F]+|[1-9][0-9]*|0)$/.test(t)) return { kind: 'integer', value: BigInt(t) };
  }
  return null;
}
