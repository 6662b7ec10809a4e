/**
 * What a local holds when a request's name is read from it: every value it is given, its initialiser included. A
 * pointer's initialiser (`const char *name = "..."`) was not read: drivers/mtd/mtdpart.c's
 * `request_module("%s", fixed)` with `const char *fixed = "fixed-partitions"` had an unknown name, and a local given
 * one name at its declaration and another in a branch was reported with the second name alone, as fact.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { scanOfFiles } from '../../fixtures/scannedTree';

it("a local's initialiser is one of its values, a pointer's too", async () => {
  const index = await scanOfFiles({
    'drivers/drv.c': [
      'static int one(void)', // 1
      '{', // 2
      '\tconst char *fixed = "fixed-partitions";', // 3
      '\treturn request_module("%s", fixed);', // 4
      '}', // 5
      'static int two(int x)', // 6
      '{', // 7
      '\tconst char *name = "fs-first";', // 8
      '\tif (x)', // 9
      '\t\tname = "fs-second";', // 10
      '\treturn request_module(name);', // 11
      '}', // 12
      '',
    ],
  });
  assert.deepEqual(
    // A shape is a list of pieces; literal names are one piece each.
    index.callSites.map((c) => [c.line, c.name, c.shapes]),
    [
      [4, 'fixed-partitions', [['fixed-partitions']]],
      [11, null, [['fs-first'], ['fs-second']]],
    ],
  );
});
