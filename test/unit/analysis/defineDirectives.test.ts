/**
 * `#define` directives are blanked in the text the parser reads (the analysis reads macros from the lines): a
 * definition compiles to nothing where it stands, and thousands of them inside an unclosed `(` sent tree-sitter's error
 * recovery quadratic (the property suite's per-case bound covers the cost; these, the facts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeFile, type AnalysisSets } from '../../../src/analysis/fileAnalysis';
import { scanOfFiles } from '../../fixtures/scannedTree';
import type { FileFacts } from '../../../src/analysis/facts';
import { getParser, type ParserBackend } from '../../../src/analysis/parser';
import { ALIAS_TOKEN, REQUEST_FUNCTIONS, REQUEST_TOKENS } from '../../../src/analysis/requestFunctions';

const FIRST_PASS: AnalysisSets = {
  tokens: [...REQUEST_TOKENS, ALIAS_TOKEN].map((t) => Buffer.from(t)),
  callees: new Set(REQUEST_FUNCTIONS.keys()),
  constants: new Set(),
};

async function factsOf(backend: ParserBackend, file: string, lines: string[]): Promise<FileFacts | null> {
  const loaded = await getParser(backend);
  if (!loaded.ok) assert.fail(loaded.error.message);
  return analyzeFile(loaded.value, file, Buffer.from(lines.join('\n')), FIRST_PASS);
}

describe('#define directives in the parsed text', () => {
  for (const backend of ['native', 'wasm'] as const) {
    it(`a void function's last call before a #define is still its last: a tail call (${backend})`, async () => {
      const facts = await factsOf(backend, 'codec.c', [
        'static void load_codec(int id)',
        '{',
        '\trequest_module("codec-%d", id);',
        '#define CODEC_LOADED 1',
        '}',
        '',
      ]);
      assert.deepEqual(
        facts?.calls.map((c) => [c.callee, c.line, c.definition, c.tail]),
        [['request_module', 3, 'load_codec', true]],
      );
    });

    it(`wrapper definitions after an unclosed "(" are read from their lines as before (${backend})`, async () => {
      const facts = await factsOf(backend, 'm.c', [
        'x = "a"((',
        '#define M(x) request_module("m-%s", x)',
        '#define N(x) \\',
        '\trequest_module("n-%s", x)',
        '',
      ]);
      assert.deepEqual(
        facts?.calls.map((c) => [c.callee, c.definition, c.line, c.column, c.inMacro]),
        [
          ['request_module', 'M', 2, 14, true],
          ['request_module', 'N', 4, 2, true],
        ],
      );
    });
  }
});

/** The aliases and call sites of a tree of one header and one driver, as a whole scan reports them. */
async function scanOfHeaderAndDriver(header: string[], driver: string[]) {
  const index = await scanOfFiles({
    'include/linux/drv.h': header,
    'drivers/drv.c': ['#include <linux/drv.h>', ...driver],
  });
  return {
    aliases: index.aliases.map((a) => [a.file, a.line, a.value, a.reason]),
    callSites: index.callSites.map((c) => [c.file, c.line, c.name]),
  };
}

describe('what a #define is, to every reader of the scan', () => {
  it('blanks of vertical tabs and form feeds: the name index, the choice of headers and the analysis agree', async () => {
    // Before one rule served them all, the header was analysed as defining both names but never chosen for reading:
    // the alias was "not defined anywhere in the tree" and the request's name unknown.
    const found = await scanOfHeaderAndDriver(
      ['#\vdefine\fDRV_ALIAS "char-major-10-99"', '#\fdefine DRV_MOD "drv-mod"', ''],
      ['MODULE_ALIAS(DRV_ALIAS);', 'static int drv_load(void)', '{', '\treturn request_module(DRV_MOD);', '}', ''],
    );
    assert.deepEqual(found, {
      aliases: [['drivers/drv.c', 2, 'char-major-10-99', null]],
      callSites: [['drivers/drv.c', 5, 'drv-mod']],
    });
  });

  it('a name after a line continuation or a comment: the name index, the choice of headers and the analysis agree', async () => {
    // cpp splices continued lines and reads a comment as a blank before it reads a directive; drivers/infiniband's
    // roce_hsi.h writes seven `#define \` with the name on the next line. Before, no reader saw those names defined.
    const found = await scanOfHeaderAndDriver(
      [
        '\t#define \\',
        '\tDRV_ALIAS "char-major-10-99"',
        '#define/* the module */DRV_MOD "drv-mod"',
        '# /* a */ define /* b */ \\',
        ' /* c */ DRV_PROTO "net-pf-" /* d */ "42"',
        '',
      ],
      [
        'MODULE_ALIAS(DRV_ALIAS);',
        'MODULE_ALIAS(DRV_PROTO);',
        'static int drv_load(void)',
        '{',
        '\treturn request_module(DRV_MOD);',
        '}',
        '',
      ],
    );
    assert.deepEqual(found, {
      aliases: [
        ['drivers/drv.c', 2, 'char-major-10-99', null],
        ['drivers/drv.c', 3, 'net-pf-42', null],
      ],
      callSites: [['drivers/drv.c', 6, 'drv-mod']],
    });
  });

  it('a block comment that opens on a #define line and closes lines later: the definition goes on after it', async () => {
    // cpp reads each comment as a blank before it reads directives: DRV_B is "bar", which the analysis read as empty
    // (the alias as "x:", a wrong value given as fact; the request's name unknown). A `/*` in a string opens nothing.
    const found = await scanOfHeaderAndDriver(
      ['#define DRV_B /* the', '   b one */ "bar"', '#define DRV_S "s/*" /* one', ' more */ "-x"', ''],
      [
        '#define DRV_NAME "foo" /* the driver\'s',
        '\t\t\t  name */',
        'MODULE_ALIAS("x:" DRV_B);',
        'MODULE_ALIAS("y:" DRV_S);',
        'static int drv_load(void)',
        '{',
        '\treturn request_module(DRV_B) + request_module("fs-%s", DRV_NAME);',
        '}',
        '',
      ],
    );
    assert.deepEqual(found, {
      aliases: [
        ['drivers/drv.c', 4, 'x:bar', null],
        ['drivers/drv.c', 5, 'y:s/*-x', null],
      ],
      callSites: [
        ['drivers/drv.c', 8, 'bar'],
        ['drivers/drv.c', 8, 'fs-foo'],
      ],
    });
  });

  it('a request in a comment that continues a #define, met before the directive: no call, and the calls after it stay', async () => {
    // The comment's line is searched first (DRV_A is no name the first pass looks for) and walking back over `\` did
    // not reach the #define: its region started after the comment and held no construct of the request, so the file
    // was read whole, where that request is in the blanked #define: the file gave no call site at all.
    const found = await scanOfHeaderAndDriver(
      [''],
      [
        '#define DRV_A "fs-foo" /* was:',
        'request_module("fs-bogus"); */',
        'static int drv_load(void)',
        '{',
        '\treturn request_module(DRV_A);',
        '}',
        '',
      ],
    );
    assert.deepEqual(found, { aliases: [], callSites: [['drivers/drv.c', 6, 'fs-foo']] });
  });

  it('lines of a comment that look like top-level statements: none is read as code', async () => {
    // A column-0 line ending in `;` ends a top-level construct; inside a comment, the construct after it is no code.
    const found = await scanOfHeaderAndDriver(
      [''],
      [
        '/*',
        'x = 1;',
        'request_module("fs-bogus");',
        '*/',
        '#define DRV_A "fs-foo" /* was:',
        'y = 2;',
        'request_module("fs-bogus2");',
        '*/',
        'static int drv_load(void)',
        '{',
        '\treturn request_module(DRV_A);',
        '}',
        '',
      ],
    );
    assert.deepEqual(found, { aliases: [], callSites: [['drivers/drv.c', 12, 'fs-foo']] });
  });

  it('a #define inside another directive (in its comment, or on a line it continues onto) defines nothing', async () => {
    const loaded = await getParser('native');
    if (!loaded.ok) assert.fail(loaded.error.message);
    const facts = analyzeFile(
      loaded.value,
      'm.c',
      Buffer.from(
        [
          '#define DRV_NAME "drv" /* was: #define DRV_NAME "old" */',
          '#define OTHER "x" \\',
          '\t#define MOD_NAME "wrong"',
          'static int f(void)',
          '{',
          '\treturn request_module(DRV_NAME) + request_module(MOD_NAME);',
          '}',
          '',
        ].join('\n'),
      ),
      FIRST_PASS,
    );
    assert.deepEqual(
      facts?.macros.map((m) => [m.name, m.line, m.body]),
      [['DRV_NAME', 1, '"drv"']],
    );
  });
});
