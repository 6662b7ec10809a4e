/**
 * Groups cpp skips whatever the configuration (`#if 0`, `#elif 0`, the branches after `#if 1`): their code is no call
 * site, no declaration and no definition. linux-6.12's drivers/media/usb/cx231xx/cx231xx-dvb.c has an
 * `attach_xc5000()` inside `#if 0` whose `dvb_attach(xc5000_attach, …)` the scan reported as a call site.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inDeadGroup } from '../../../src/analysis/deadGroups';
import { scanOfFiles } from '../../fixtures/scannedTree';
import { Lines } from '../../../src/analysis/regions';

/** The 1-based lines of `text` that inDeadGroup finds skipped (lines between conditionals: theirs hold no code). */
function deadOf(text: string[]): number[] {
  const lines = new Lines(Buffer.from(text.join('\n'), 'latin1'));
  return text.flatMap((_, l) => (inDeadGroup(lines, l) ? [l + 1] : []));
}

describe('groups cpp always skips', () => {
  it('#if 0 and #elif 0 groups, the branches after a non-zero number, nested groups inside them', () => {
    assert.deepEqual(
      deadOf([
        '#if 0 /* the old way */', // 1
        'a', // 2: skipped
        '#if CONFIG_X', // 3: a conditional's own line holds no code and is never marked
        'b', // 4: skipped (inside #if 0)
        '#endif', // 5
        '#elif defined(CONFIG_Y)', // 6
        'c', // 7: read (unknown)
        '#elif 0', // 8
        'd', // 9: skipped
        '#else', // 10
        'e', // 11: read
        '#endif', // 12
        '#  if (1)', // 13
        'f', // 14: read
        '#elif CONFIG_Z', // 15
        'g', // 16: skipped (#if 1 was taken)
        '#else', // 17
        'h', // 18: skipped
        '#endif', // 19
        '#ifdef CONFIG_W', // 20
        'i', // 21: read
        '#else', // 22
        'j', // 23: read
        '#endif', // 24
      ]),
      [2, 4, 9, 16, 18],
    );
  });

  it('directives in comments or on continued lines are none, a continued condition is unknown, and a file whose conditionals do not pair up skips nothing', () => {
    assert.deepEqual(
      deadOf(['/*', '#if 0', '*/', 'a', '#define X \\', '#if 0', 'b', '#if 0 \\', '  || 1', 'c', '#endif', '']),
      [],
    );
    assert.deepEqual(deadOf(['#if 0', 'a', '#endif', '#endif', 'b']), []);
    assert.deepEqual(deadOf(['#if 0', 'a', '#if 1', 'b']), []);
    assert.deepEqual(deadOf(['x = "#if 0"; # if 0', 'a', '#if 0', 'b', '#endif']), [4]);
    assert.deepEqual(deadOf(['/*', '#if 0', '*/', 'a', '#if 0', 'b', '#endif']), [6]);
    // cpp splices lines before it removes comments: the condition is `0 || 1`.
    assert.deepEqual(deadOf(['#if 0 /* off \\', '*/ || 1', 'a', '#endif']), []);
  });

  it('calls, alias declarations and definitions in them are not read; the others are', async () => {
    const index = await scanOfFiles({
      'drivers/drv.c': [
        '#if 0', // 1
        '#define DRV "fs-old"', // 2: the name was read as this one, given as fact
        '#else', // 3
        '#define DRV "fs-new"', // 4
        '#endif', // 5
        '#if 0', // 6
        'MODULE_ALIAS("fs-gone");', // 7
        'static int old(void)', // 8
        '{', // 9
        '\treturn request_module("fs-dead");', // 10
        '}', // 11
        '#endif', // 12
        'MODULE_ALIAS("fs-new");', // 13
        'static int probe(void)', // 14
        '{', // 15
        '#if 0', // 16
        '\trequest_module("fs-dead2");', // 17
        '#endif', // 18
        '\treturn request_module(DRV);', // 19
        '}', // 20
        'static int probe2(void)', // 21
        '{', // 22
        '#if 0', // 23
        '\trequest_module("fs-dead3");', // 24
        '#endif', // 25
        // Past a non-ASCII character the hit's column is not the parser's: the function's calls are read by query.
        '\t/* é */ return request_module("fs-live");', // 26
        '}', // 27
        'static int probe3(void)', // 28
        '{', // 29
        '\tconst char *name = "fs-live2";', // 30
        '#if 0', // 31
        '\tname = "fs-dead4";', // 32: an assignment the parser never sees either
        '#endif', // 33
        '\treturn request_module(name);', // 34
        '}', // 35
        '',
      ],
    });
    assert.deepEqual(
      index.callSites.map((c) => [c.line, c.name]),
      [
        [19, 'fs-new'],
        [26, 'fs-live'],
        [34, 'fs-live2'],
      ],
    );
    assert.deepEqual(
      index.aliases.map((a) => [a.line, a.value]),
      [[13, 'fs-new']],
    );
  });
});
