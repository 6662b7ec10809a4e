/** MODULE_ALIAS* declarations expanded to the strings depmod writes, with the macros the declaring file sees. */
import type { AliasDeclaration } from '../engine/sourceIndex';
import { concatenatedString, expand, expansionBudget, splitArguments, stringLiteralValue, tokenize } from './cpp';
import type { RawAlias } from './facts';
import type { IncludeGraph } from './includeGraph';
import { MODINFO_SINK, type MacroTable } from './macroTable';

export function expandAlias(raw: RawAlias, file: string, macros: MacroTable): AliasDeclaration[] {
  const base = {
    file,
    line: raw.line,
    column: raw.column,
    macro: raw.macro,
    module: macros.tree.modules.moduleOf(file).name,
  };
  if (!macros.has(raw.macro)) {
    const where =
      macros.tree.kernelDirectory.includeDirs.length > 0
        ? 'in the tree nor in the kernel directory'
        : 'anywhere in the tree';
    return [{ ...base, value: null, reason: `${raw.macro} is not defined ${where}` }];
  }
  const problems = new Map<string, string>();
  const budget = expansionBudget();
  const tokens = expand(tokenize(raw.text), macros.lookupFrom(file, problems, raw.line), budget);
  if (budget.limit !== null) return [{ ...base, value: null, reason: budget.limit }];
  const out: AliasDeclaration[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].text !== MODINFO_SINK || tokens[i + 1]?.text !== '(') continue;
    const split = splitArguments(tokens, i + 1);
    if (!split) break;
    i = split.end;
    const [tag, info] = split.args;
    if (tag?.length !== 1 || tag[0].kind !== 'string' || stringLiteralValue(tag[0].text) !== 'alias') continue;
    const value = concatenatedString(info ?? []);
    if (value !== null) {
      out.push({ ...base, value, reason: null });
    } else {
      const unknown = [...new Set((info ?? []).filter((t) => t.kind === 'ident').map((t) => t.text))];
      const why = unknown.map((u) => problems.get(u) ?? `${u} is not a macro found in the tree`);
      out.push({
        ...base,
        value: null,
        reason: `does not expand to a string: ${why.join('; ') || (info ?? []).map((t) => t.text).join(' ')}`,
      });
    }
  }
  if (out.length === 0) {
    const why = [...problems.values()];
    out.push({
      ...base,
      value: null,
      reason: why.length > 0 ? why.join('; ') : `${raw.macro} does not expand to a module alias`,
    });
  }
  return out;
}

/**
 * What expanding a file's alias declarations looks up whatever macros the passes find: the module its Kbuild files
 * name, and the headers it sees (MODULE_ALIAS and its kin are defined in a header, so every expansion asks). Worked
 * out ahead while the later passes run, and remembered by the graph and the tree, the index build only reads them.
 */
export function prepareAliasLookups(graph: IncludeGraph, file: string): void {
  graph.tree.modules.moduleOf(file);
  graph.visible(file);
}
