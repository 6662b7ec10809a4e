/**
 * Expansion bounds: a macro bomb (each level doubling the tokens) and a chain deeper than the depth limit are reported
 * as unexpanded with the bound they hit, never a stack overflow. Token counts worked out by hand: with
 * `#define Mk M(k+1) M(k+1)` for k < n, each of the n + 1 levels of `M0` produces 2^n tokens, and the bound counts
 * the tokens of every level.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  expand,
  expansionBudget,
  type MacroDefinition,
  MAX_EXPANSION_TOKENS,
  parseDefine,
  tokenize,
} from '../../../src/analysis/cpp';
import { scanTree } from '../../../src/analysis/index';

/** `#define M0 M1 M1` … `#define M(n-1) Mn Mn`, and what follows. */
function bomb(levels: number): string[] {
  return Array.from({ length: levels }, (_, k) => `#define M${k} M${k + 1} M${k + 1}`);
}

function lookupOf(lines: string[]): (name: string) => MacroDefinition | null {
  const defs = new Map<string, MacroDefinition>();
  lines.forEach((l, i) => {
    const d = parseDefine(l.replace(/^#define/, ''), 'bomb.c', i + 1);
    if (d) defs.set(d.name, d);
  });
  return (name) => defs.get(name) ?? null;
}

async function aliasesOf(source: string): Promise<Array<{ value: string | null; reason: string | null }>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'al-bomb-'));
  try {
    fs.writeFileSync(path.join(dir, 'bomb.c'), source);
    const r = await scanTree(dir, { threads: 0, cache: false, kernelDirectory: null });
    if (!r.ok) assert.fail(r.error.message);
    return r.value.aliases.map((a) => ({ value: a.value, reason: a.reason }));
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
}

describe('expansion bounds', () => {
  it('reports the 17-level macro bomb of the issue as unexpanded (it overflowed the stack)', async () => {
    const src = `${bomb(17).join('\n')}\nMODULE_ALIAS(M0);\n`;
    assert.deepEqual(await aliasesOf(src), [
      { value: null, reason: `expansion exceeds ${MAX_EXPANSION_TOKENS} tokens` },
    ]);
  });

  it('reports 16 levels the same way: 65,536 tokens is over the bound too', async () => {
    const src = `${bomb(16).join('\n')}\nMODULE_ALIAS(M0);\n`;
    assert.deepEqual(await aliasesOf(src), [
      { value: null, reason: `expansion exceeds ${MAX_EXPANSION_TOKENS} tokens` },
    ]);
  });

  it('expands 9 levels: 512 copies of the string the last name stands for', async () => {
    const src = `${bomb(9).join('\n')}\n#define M9 "ab"\nMODULE_ALIAS(M0);\n`;
    assert.deepEqual(await aliasesOf(src), [{ value: 'ab'.repeat(512), reason: null }]);
  });

  it('counts the tokens of every level: the last doubling that fits, and the first that does not', () => {
    // Each of levels 0 … n of `M0` (n names doubling) produces 2^n tokens: (n + 1) · 2^n in all.
    const under = expansionBudget();
    assert.equal(expand(tokenize('M0'), lookupOf(bomb(9)), under).length, 512);
    assert.deepEqual(under, { produced: 10 * 512, limit: null });
    const over = expansionBudget();
    assert.deepEqual(expand(tokenize('M0'), lookupOf(bomb(10)), over), []);
    assert.equal(over.limit, `expansion exceeds ${MAX_EXPANSION_TOKENS} tokens`);
  });

  it('stops a chain of distinct macros deeper than the depth limit, whatever its length', () => {
    const chain = Array.from({ length: 100_000 }, (_, k) => `#define D${k} D${k + 1}`);
    const budget = expansionBudget();
    assert.deepEqual(expand(tokenize('D0'), lookupOf(chain), budget), []);
    assert.equal(budget.limit, 'expansion nests more than 64 macros deep');
    const shallow = expansionBudget();
    assert.deepEqual(
      expand(tokenize('D0'), lookupOf([...chain.slice(0, 10), '#define D10 "end"']), shallow).map((t) => t.text),
      ['"end"'],
    );
  });
});
