/** Module sizes for the cost of duplicates: the .ko file in the modules directory first, else --loaded. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ModuleSizes } from '../../../src/engine/kernel/moduleSizes';
import { openModuleDb } from '../../../src/engine/modules';

const fixtures = path.resolve(__dirname, '../../../..', 'test/fixtures/models');

test('.ko files by modules.dep (a compressed one says so), the loaded sizes for modules without one', async () => {
  const db = await openModuleDb(path.join(fixtures, 'modules'));
  assert.ok(db.ok);
  const sizes = new ModuleSizes(
    {
      sizes: new Map([
        ['m00', 16384],
        ['foo', 8192],
      ]),
      source: 'proc-modules.txt',
    },
    db.value,
  );
  assert.deepEqual(sizes.size('foo'), { bytes: 3000, compressed: false, from: 'kernel/fs/foo/foo.ko' });
  assert.deepEqual(sizes.size('bar'), { bytes: 1000, compressed: true, from: 'kernel/fs/bar/bar.ko.xz' });
  // modules.dep names kernel/m/m00.ko, which the fixture does not hold.
  assert.deepEqual(sizes.size('m00'), { bytes: 16384, compressed: false, from: 'proc-modules.txt' });
  assert.equal(sizes.size('m01'), null);
  assert.equal(new ModuleSizes(null, null).size('foo'), null);
});
