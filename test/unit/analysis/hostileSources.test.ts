/**
 * Sources the property suite (test/unit/properties/sources.test.ts) found trouble with, cut down to what caused it:
 * each scans to the call sites read off the text by hand (the scan used to hang or take seconds on them).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, it } from 'node:test';
import { scanTree } from '../../../src/analysis/index';
import type { CallSiteInfo } from '../../../src/engine/sourceIndex';

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function scanText(text: string): Promise<CallSiteInfo[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autoload-lens-hostile-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'x.c'), text);
  const r = await scanTree(dir, { cache: false, threads: 0 });
  if (!r.ok) assert.fail(r.error.message);
  return r.value.callSites;
}

const brief = (c: CallSiteInfo) =>
  `${c.line}:${c.column} ${c.callee} in ${c.function} args=${JSON.stringify(c.arguments)} fmt=${c.format} pat=${c.pattern} ${c.returnUse}`;

it('an argument left out (`f(a, )`, `( )`, a cast of nothing): error recovery puts a MISSING identifier there (it hung)', async () => {
  const sites = await scanText(
    'int f(int family)\n{\n' +
      '\trequest_module("net-pf-%d", family, );\n' +
      '\trequest_module("fs-%s", ( ));\n' +
      '\trequest_module("fs-%s", (char *));\n' +
      '\treturn 0;\n}\n',
  );
  // The MISSING node's text is empty: the argument list shows it as such.
  assert.deepEqual(sites.map(brief), [
    '3:2 request_module in f args=["\\"net-pf-%d\\"","family",""] fmt=net-pf-%d pat=net-pf-* discarded',
    '4:2 request_module in f args=["\\"fs-%s\\"","( )"] fmt=fs-%s pat=fs-* discarded',
    '5:2 request_module in f args=["\\"fs-%s\\"","(char *)"] fmt=fs-%s pat=fs-* discarded',
  ]);
});

it('2,000 top-level functions each holding a request (a root with 2,000 children, each with a hit)', async () => {
  const text = Array.from(
    { length: 2000 },
    (_, i) => `static int f${i}(void) { return request_module("m-${i}"); }\n`,
  ).join('');
  const sites = await scanText(text);
  // Function i is on line i + 1; `request_module` starts after `static int f` (12), the digits of i and
  // `(void) { return ` (16).
  assert.deepEqual(
    sites.map((c) => [c.line, c.column, c.function, c.name, c.returnUse]),
    Array.from({ length: 2000 }, (_, i) => [i + 1, 12 + String(i).length + 16 + 1, `f${i}`, `m-${i}`, 'returned']),
  );
});

it('a directive that is no #define, holding 5,000 hits on its line, is read once (it was read per hit)', async () => {
  const text = `#d${'request_module('.repeat(5000)}\nint g(void)\n{\n\treturn request_module("after");\n}\n`;
  assert.deepEqual((await scanText(text)).map(brief), [
    '4:9 request_module in g args=["\\"after\\""] fmt=after pat=after returned',
  ]);
});

it('a constant mentioned 20,000 times at the end of a 680 KB line: its #define is found without reading the line once per mention', async () => {
  const text = `#define DRV "drv"\nint f(void) { return request_module(DRV); }\n/*${' x'.repeat(300_000)}${' DRV'.repeat(20_000)} */\n`;
  // `request_module` starts after `int f(void) { return ` (21 characters).
  assert.deepEqual(
    (await scanText(text)).map((c) => [c.line, c.column, c.format, c.name]),
    [[2, 22, 'drv', 'drv']],
  );
});

it('3,000 calls in one function behind 3,000 directive lines: each finds the function, which is searched for once', async () => {
  // Line 3,001 opens the function; call k (from 0) is on line 3,003 + k, after a tab.
  const text = `${'#ifdef CONFIG_X\n'.repeat(3000)}int f(void)\n{\n${Array.from({ length: 3000 }, (_, k) => `\trequest_module("m-${k}");\n`).join('')}\treturn 0;\n}\n${'#endif\n'.repeat(3000)}`;
  assert.deepEqual(
    (await scanText(text)).map((c) => [c.line, c.column, c.function, c.name]),
    Array.from({ length: 3000 }, (_, k) => [3003 + k, 2, 'f', `m-${k}`]),
  );
});

it('2,000 calls on a line continued from 5,000 lines above: the continuations are walked once, not per call', async () => {
  // Lines 3 to 5,002 hold a lone `\`; line 5,003 is a tab, then the calls, each `request_module("m-K"); ` long.
  const calls = Array.from({ length: 2000 }, (_, k) => `request_module("m-${k}"); `);
  const text = `int f(void)\n{\n${'\\\n'.repeat(5000)}\t${calls.join('')}\n\treturn 0;\n}\n`;
  const columns = calls.map((_, k) => 2 + calls.slice(0, k).join('').length);
  assert.deepEqual(
    (await scanText(text)).map((c) => [c.line, c.column, c.function, c.name]),
    calls.map((_, k) => [5003, columns[k], 'f', `m-${k}`]),
  );
});

it('a header defining one macro 30,000 times, used by an alias macro: each definition is held once (each was compared with all before it: 3.5 s)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autoload-lens-hostile-'));
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, 'include'));
  fs.writeFileSync(
    path.join(dir, 'include', 'm.h'),
    `#define MODULE_ALIAS_M(x) MODULE_ALIAS(M(x))\n${'#define M(x) "m-" x\n'.repeat(30000)}`,
  );
  fs.writeFileSync(path.join(dir, 'x.c'), '#include <m.h>\nMODULE_ALIAS_M("last");\n');
  const r = await scanTree(dir, { cache: false, threads: 0 });
  if (!r.ok) assert.fail(r.error.message);
  // The 30,000 definitions agree: M("last") is "m-" "last".
  assert.deepEqual(
    r.value.aliases.map((a) => [a.file, a.line, a.column, a.macro, a.value, a.reason]),
    [['x.c', 2, 1, 'MODULE_ALIAS_M', 'm-last', null]],
  );
});

it('an alias macro whose body holds 200,000 stray characters: the declaration is unexpanded with the reason (the pass planner spread them as arguments of one call: stack overflow)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autoload-lens-hostile-'));
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, 'include', 'linux'), { recursive: true });
  // U+202E is no identifier character: each one is a token of its own.
  fs.writeFileSync(
    path.join(dir, 'include', 'linux', 'fs.h'),
    `#define MODULE_ALIAS_FS(NAME) MODULE_ALIAS("fs-" NAM${'\u202e'.repeat(200000)}E)\n`,
  );
  fs.writeFileSync(path.join(dir, 'x.c'), '#include <linux/fs.h>\nMODULE_ALIAS_FS("ext2");\n');
  const r = await scanTree(dir, { cache: false, threads: 0 });
  if (!r.ok) assert.fail(r.error.message);
  assert.deepEqual(
    r.value.aliases.map((a) => [a.file, a.line, a.column, a.macro, a.value, a.reason]),
    [['x.c', 2, 1, 'MODULE_ALIAS_FS', null, 'expansion exceeds 10000 tokens']],
  );
});

it('3,000 MODULE_ALIAS( nested in one another: one declaration, the outermost (each nested one was recorded with the rest of the line: 23 s)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autoload-lens-hostile-'));
  dirs.push(dir);
  fs.writeFileSync(
    path.join(dir, 'x.c'),
    `${'MODULE_ALIAS('.repeat(3000)}"x"${')'.repeat(3000)};\nMODULE_ALIAS("y");\n`,
  );
  const r = await scanTree(dir, { cache: false, threads: 0 });
  if (!r.ok) assert.fail(r.error.message);
  // The inner ones are the outer one's argument, macro-expanded inside it: 3,000 levels is past the depth limit.
  assert.deepEqual(
    r.value.aliases.map((a) => [a.file, a.line, a.column, a.macro, a.value, a.reason]),
    [
      ['x.c', 1, 1, 'MODULE_ALIAS', null, 'expansion nests more than 64 macros deep'],
      ['x.c', 2, 1, 'MODULE_ALIAS', 'y', null],
    ],
  );
});

it('a constant whose name is 4,000 `a`s, defined above lines of 20,000 `a`s: its #define is found without comparing the name at every `a` (2.9 s; 31 s for the shape the property suite wrote)', async () => {
  const name = 'a'.repeat(4000);
  const text = `#define ${name} "m"\nint f(void) { return request_module(${name}); }\n${`${'a'.repeat(20_000)}\n`.repeat(60)}`;
  // `request_module` starts after `int f(void) { return ` (21 characters).
  assert.deepEqual(
    (await scanText(text)).map((c) => [c.line, c.column, c.function, c.format, c.name]),
    [[2, 22, 'f', 'm', 'm']],
  );
});

it('a guard read again after 100,000 copies of its name run together: each is skipped as part of one longer name (each was looked up in the tree)', async () => {
  const text = `static int *hook;\nint f(void)\n{\n\tif (!hook)\n\t\trequest_module("x");\n\tg(${'hook'.repeat(100_000)});\n\treturn hook ? 0 : -1;\n}\n`;
  // `hook` guards the request on line 5 and is read again on line 7: the code finds out whether the service came.
  const sites = await scanText(text);
  assert.deepEqual(
    sites.map((c) => [c.line, c.column, c.function, c.name, c.returnUse, c.recheck]),
    [[5, 3, 'f', 'x', 'discarded', { line: 7, how: 'hook looks the service up again' }]],
  );
});
