import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { includesOf } from '../../../src/analysis/cpp';
import { someDefine } from '../../../src/analysis/matcher';
import { findHits, Identifiers, Lines, lineStarts, sparseDocument } from '../../../src/analysis/regions';

const bytes = (text: string) => Buffer.from(text, 'latin1');

describe('byte-level scans of a file', () => {
  it('finds #define names after any # followed by blanks and define, then blanks', () => {
    const b = bytes(
      '#define A 1\n# \t define\tB(x) x\n##define C\nx # define D\n#definex E\n#define\nF\n#define G\n' +
        '#\vdefine\fH 1\n#\u00a0define I\n#define\u00a0J\n',
    );
    const names: string[] = [];
    someDefine(b, (s, e) => {
      names.push(b.toString('latin1', s, e));
      return false;
    });
    // Blanks are cpp's: space, tab, vertical tab, form feed (a no-break space is none).
    assert.deepEqual(names, ['A', 'B', 'C', 'D', 'G', 'H']);
    let visits = 0;
    assert.equal(
      someDefine(b, () => ++visits === 2),
      true,
    );
    assert.equal(visits, 2);
  });

  it('lists #include directives as written: # first on its line, a name closed by > or "', () => {
    const text = [
      '#include <a.h>',
      '  #  include\t"b.h"',
      'x #include <c.h>',
      '#include <>',
      '#include <d.h"',
      '#include_next <i.h>',
      '\r#include <g.h>',
      '#include<h.h>',
      '##include <m.h>',
      '#include <f',
      '.h>',
      '\v#\finclude\v<v.h>',
      '#\u00a0include <n.h>',
      // cpp splices continued lines and reads a comment as a blank before it reads the directive.
      '# /* x */ include/* y */<p.h>',
      '#\\',
      'include \\\r',
      '<q.h>',
      '#include /* a \\',
      ' comment */ "r.h"',
    ].join('\n');
    assert.deepEqual(includesOf(bytes(text)), [
      '<a.h>',
      '"b.h"',
      '<d.h"',
      '<g.h>',
      '<h.h>',
      '<v.h>',
      '<p.h>',
      '<q.h>',
      '"r.h"',
    ]);
  });

  it('finds identifiers as a left-to-right search for [A-Za-z_][A-Za-z0-9_]* does: a letter after digits starts one', () => {
    const b = bytes('0x1F 9ab a9b _9 99x9y x1F');
    const names = new Set(['x1F', 'ab', 'a9b', '_9', 'x9y', '9ab', 'b', 'F', 'y']);
    const expected = [
      { name: 'x1F', offset: 1 },
      { name: 'ab', offset: 6 },
      { name: 'a9b', offset: 9 },
      { name: '_9', offset: 13 },
      { name: 'x9y', offset: 18 },
      { name: 'x1F', offset: 22 },
    ];
    const identifiers = new Identifiers(b);
    assert.deepEqual(identifiers.named(names), expected);
    // Asked again (the rounds of one file), with another set of names.
    assert.deepEqual(identifiers.named(new Set(['a9b'])), [{ name: 'a9b', offset: 9 }]);
    // Over eight names findHits takes whole identifiers; up to eight it searches each as a substring.
    assert.deepEqual(findHits(b, [], names, identifiers), expected);
    assert.deepEqual(findHits(b, [], new Set(['ab'])), [{ name: '9ab', offset: 5 }]);
  });

  it('finds line starts, and keeps only the lines asked for (others empty, so rows stay file lines)', () => {
    assert.deepEqual([...lineStarts(bytes('a\nbc\n\nd'))], [0, 2, 5, 6]);
    assert.deepEqual([...lineStarts(bytes(''))], [0]);
    assert.deepEqual(
      [...lineStarts(bytes('x\n'.repeat(100)))],
      Array.from({ length: 101 }, (_, i) => 2 * i),
    );
    const lines = new Lines(Buffer.from('int a;\nchar *s = "é";\n\nint b;\nint c;', 'utf8'));
    const at = (row: number, column: number) => ({ row, column });
    // The kept runs are what the parser reads; their offsets count characters of the text (é is one).
    assert.deepEqual(sparseDocument(lines, Uint8Array.from([0, 1, 0, 0, 1])), {
      text: '\nchar *s = "é";\n\n\nint c;',
      ranges: [
        { startIndex: 1, endIndex: 16, startPosition: at(1, 0), endPosition: at(2, 0) },
        { startIndex: 18, endIndex: 24, startPosition: at(4, 0), endPosition: at(4, 6) },
      ],
    });
    assert.deepEqual(sparseDocument(lines, Uint8Array.from([1, 1, 1, 1, 1])), {
      text: 'int a;\nchar *s = "é";\n\nint b;\nint c;',
      ranges: [{ startIndex: 0, endIndex: 36, startPosition: at(0, 0), endPosition: at(4, 6) }],
    });
    // A blanked last line gives a newline too: the text is never shorter in lines than the file.
    assert.deepEqual(sparseDocument(lines, new Uint8Array(5)), { text: '\n\n\n\n\n', ranges: [] });
    const ended = new Lines(Buffer.from('a;\nb;\n'));
    assert.deepEqual(sparseDocument(ended, Uint8Array.from([0, 1, 1])).ranges, [
      { startIndex: 1, endIndex: 4, startPosition: at(1, 0), endPosition: at(2, 0) },
    ]);
  });

  it('tells which lines start inside a block comment, as cpp reads comments, in any order of asking', () => {
    const text = [
      'a; /* one', // 0
      'b; */ c; /*/ d', // 1: `/*/` opens a comment
      'e; */', // 2
      's = "/*"; // /* in a line comment', // 3: openings in a string and a line comment open nothing
      "t = '\\\\'; u = \"*/\\", // 4: a string continued onto the next line
      'still the string /* "; w; "x /* unclosed', // 5: an unclosed string ends at the line's end
      '/**/ y /* z', // 6
      '', // 7
    ].join('\n');
    const inComment = [false, true, true, false, false, false, false, true];
    const each = (order: number[]) => {
      const lines = new Lines(bytes(text));
      return order.map((l) => [l, lines.startsInComment(l)]);
    };
    const expected = inComment.map((c, l) => [l, c]);
    assert.deepEqual(each([0, 1, 2, 3, 4, 5, 6, 7]), expected);
    assert.deepEqual(each([7, 6, 5, 4, 3, 2, 1, 0]).reverse(), expected);
    assert.deepEqual(
      each([3, 1, 7, 0, 5, 2, 6, 4]).sort((x, y) => Number(x[0]) - Number(y[0])),
      expected,
    );
  });
});
