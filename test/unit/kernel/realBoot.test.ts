/** The kernel models on the real 6.1 boot of samples/, against what its trace and /proc/modules show. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { replayTrace } from '../../../src/engine/replay';
import type { KernelModelChoice } from '../../../src/engine/kernel/model';

const sample = path.resolve(__dirname, '../../../..', 'samples/boot-6.1-qemu');

async function replay(kernelModel: KernelModelChoice) {
  const r = await replayTrace({
    tracePath: path.join(sample, 'trace.txt'),
    modulesDir: path.join(sample, 'modules'),
    loadedPath: path.join(sample, 'proc-modules.txt'),
    kernelModel,
    compareModels: true,
  });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

test('duplicates reaching finit_module() on the 6.1 boot: hfs three times, michael_mic twice, nf_conntrack_netlink once', async () => {
  const report = await replay('modern');
  // Trace lines 582-585: four fs-hfs requests within 5 ms, hfs loads at 128.583385 (line 586); lines 587-589: three
  // crypto-michael_mic requests, michael_mic loads at 128.659540; lines 565-566: nfnetlink-subsys-1 and -2 (both
  // nf_conntrack_netlink, modules.alias) 3 ms apart, nf_conntrack_netlink loads at 127.257022. Sizes from
  // proc-modules.txt: hfs 77,824, michael_mic 16,384, nf_conntrack_netlink 57,344.
  const byModel = Object.fromEntries(report.kernel!.models.map((t) => [t.model, t.finit]));
  assert.deepEqual(byModel['modern'], {
    duplicates: 6,
    vmallocBytes: 2 * (3 * 77_824 + 2 * 16_384 + 57_344),
    withoutSize: 0,
    compressedSizes: false,
  });
  assert.deepEqual(byModel['2.6'], byModel['modern']);
  // dups.c compares names exactly: it converges the fs-hfs and crypto-michael_mic repeats, not nfnetlink-subsys-2.
  assert.deepEqual(byModel['dups'], {
    duplicates: 1,
    vmallocBytes: 2 * 57_344,
    withoutSize: 0,
    compressedSizes: false,
  });
  assert.deepEqual(byModel['2.1'], { duplicates: 0, vmallocBytes: 0, withoutSize: 0, compressedSizes: false });
});

test('2.1 on the 6.1 boot: the fs-hfs burst runs one modprobe; the three names after it never reach modprobe', async () => {
  const report = await replay('2.1');
  const hfs = report.requests.filter((r) => r.name === 'fs-hfs');
  assert.deepEqual(
    hfs.map((r) => [r.line, r.returnValue, r.modprobeRan]),
    [
      [582, 0, true],
      [583, 0, false],
      [584, 0, false],
      [585, 0, false],
    ],
  );
  const lost = report.findings.find((f) => f.rule === 'throttled-request')!;
  assert.ok([583, 584, 585].every((line) => lost.traceLines.includes(line)));
  assert.ok(report.requests.every((r) => r.returnValue === 0));
});

test("modern on the 6.1 boot: names nothing provides return modprobe's exit status 1, as 256", async () => {
  const report = await replay('modern');
  const nosuch = report.requests.filter((r) => r.name === 'fs-nosuchfs2');
  assert.deepEqual(
    nosuch.map((r) => [r.line, r.resolution.kind, r.returnValue, r.returnBasis]),
    [
      [578, 'none', 256, 'modprobe'],
      [579, 'none', 256, 'modprobe'],
      [580, 'none', 256, 'modprobe'],
      [581, 'none', 256, 'modprobe'],
    ],
  );
  // nfnetlink_bind's request_module_nowait(): 0 once modprobe is exec'd.
  assert.deepEqual(
    report.requests.filter((r) => !r.wait).map((r) => [r.line, r.returnValue, r.returnBasis]),
    [
      [565, 0, 'kernel'],
      [566, 0, 'kernel'],
      [567, 0, 'kernel'],
    ],
  );
});
