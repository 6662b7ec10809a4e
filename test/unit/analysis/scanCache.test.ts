import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSourceTree, type ScanCacheReport, type ScanOptions, scanTree } from '../../../src/analysis/index';
import type { SourceIndex } from '../../../src/engine/sourceIndex';

const repo = path.resolve(__dirname, '../../../..');
const fixtures = path.join(repo, 'test/fixtures/c');
const CACHE_FILE = 'scan-cache.json';

describe('scan cache on disk', () => {
  let work: string;
  let tree: string;

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'autoload-lens-cache-'));
    tree = path.join(work, 'tree');
    fs.cpSync(fixtures, tree, { recursive: true });
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  const base: ScanOptions = { threads: 0, backend: 'native' };

  async function scan(opts: ScanOptions): Promise<{ index: SourceIndex; report: ScanCacheReport | null }> {
    let report: ScanCacheReport | null = null;
    const r = await scanTree(tree, { ...base, ...opts, onCache: (c) => (report = c) });
    if (!r.ok) assert.fail(r.error.message);
    return { index: r.value, report };
  }

  const reference = async (opts: ScanOptions = {}) => (await scan({ ...opts, cache: false })).index;
  /** A cache folder holding a copy of `from`'s file: a scan with it starts from the disk, not this process's memory. */
  const copyOf = (from: string, to: string) => {
    fs.mkdirSync(path.join(work, to));
    fs.copyFileSync(path.join(work, from, CACHE_FILE), path.join(work, to, CACHE_FILE));
    return path.join(work, to);
  };

  /** The tree's C sources as the walk takes them (.c and .h, no .mod.c). */
  const sources = () =>
    fs
      .readdirSync(tree, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.[ch]$/.test(f) && !f.endsWith('.mod.c')).length;

  it('writes the cache, and a scan that starts from the file alone gives exactly the uncached index', async () => {
    const expected = await reference();
    const first = await scan({ cacheDir: path.join(work, 'a') });
    assert.deepEqual(first.index, expected);
    assert.equal(first.report?.source, 'none');
    assert.equal(first.report?.hits, 0);
    assert.deepEqual([first.report?.files, first.report?.filesRead], [sources(), sources()]);
    assert.equal(first.report?.saved, true);
    assert.equal(first.report?.problem, null);
    assert.ok(fs.statSync(path.join(work, 'a', CACHE_FILE)).size > 0);

    const fresh = await scan({ cacheDir: copyOf('a', 'b') });
    assert.deepEqual(fresh.index, expected);
    assert.deepEqual(fresh.report, {
      file: path.join(work, 'b', CACHE_FILE),
      source: 'disk',
      hits: first.report?.misses,
      misses: 0,
      files: sources(),
      filesRead: 0,
      saved: false,
      problem: null,
    });
  });

  it('re-analyses a file whose content or mtime changed, and stores the new outcome', async () => {
    const demo = path.join(tree, 'drivers/misc/demo.c');
    fs.appendFileSync(demo, '\nstatic void demo_added(void)\n{\n\trequest_module("demo-added");\n}\n');
    const expected = await reference();
    assert.equal(expected.callSites.filter((c) => c.function === 'demo_added').length, 1);
    const changed = await scan({ cacheDir: copyOf('a', 'c') });
    assert.deepEqual(changed.index, expected);
    assert.equal(changed.report?.source, 'disk');
    assert.ok((changed.report?.misses ?? 0) > 0);
    assert.equal(changed.report?.saved, true);

    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(tree, 'net/socket.c'), later, later);
    const touched = await scan({ cacheDir: copyOf('c', 'd') });
    assert.deepEqual(touched.index, expected);
    // Only the touched file is read again, in each pass that selects it.
    const total = (changed.report?.misses ?? 0) + (changed.report?.hits ?? 0);
    assert.ok(
      touched.report && touched.report.misses > 0 && touched.report.misses < total,
      JSON.stringify(touched.report),
    );
    assert.equal(touched.report?.filesRead, 1);
    assert.equal(touched.report?.saved, true);

    const again = await scan({ cacheDir: copyOf('d', 'e') });
    assert.deepEqual(again.index, expected);
    assert.equal(again.report?.misses, 0);
  });

  it('takes an unchanged tree whole from the last scan, scans again when files come or go, and updates either index alike', async () => {
    const expected = await reference();
    const whole = await scan({ cacheDir: copyOf('e', 'w1') });
    assert.deepEqual(whole.index, expected);
    assert.equal(whole.report?.misses, 0);

    const added = path.join(tree, 'drivers/misc/added.c');
    fs.writeFileSync(added, 'static int added_probe(void)\n{\n\treturn request_module("cache-added");\n}\n');
    const withAdded = await reference();
    assert.equal(withAdded.callSites.filter((c) => c.name === 'cache-added').length, 1);
    const grown = await scan({ cacheDir: copyOf('e', 'w2') });
    assert.deepEqual(grown.index, withAdded);
    assert.ok((grown.report?.misses ?? 0) > 0);
    fs.rmSync(added);
    const shrunk = await scan({ cacheDir: copyOf('w2', 'w3') });
    assert.deepEqual(shrunk.index, expected);

    const file = 'drivers/misc/demo.c';
    const edited = fs
      .readFileSync(path.join(tree, file), 'utf8')
      .replace('request_module("demo-arg")', 'request_module_nowait("demo-arg2")');
    let report: ScanCacheReport | null = null;
    const fromSnapshot = await openSourceTree(tree, {
      ...base,
      cacheDir: copyOf('w3', 'w4'),
      onCache: (c) => (report = c),
    });
    const uncached = await openSourceTree(tree, { ...base, cache: false });
    if (!fromSnapshot.ok || !uncached.ok) assert.fail('scan failed');
    assert.equal((report as ScanCacheReport | null)?.misses, 0);
    assert.deepEqual(await fromSnapshot.value.update(file, edited), await uncached.value.update(file, edited));
  });

  it('ignores a corrupt or truncated cache file and rewrites it', async () => {
    const expected = await reference();
    const good = JSON.parse(fs.readFileSync(path.join(work, 'e', CACHE_FILE), 'utf8')) as { sizes: number[] };
    for (const [dir, text, problem] of [
      ['garbage', '{"format":1,"key":', /is corrupt \(/],
      ['layout', JSON.stringify({ ...good, sizes: good.sizes.slice(1) }), /is corrupt \(unexpected layout\)/],
    ] as const) {
      fs.mkdirSync(path.join(work, dir));
      fs.writeFileSync(path.join(work, dir, CACHE_FILE), text);
      const r = await scan({ cacheDir: path.join(work, dir) });
      assert.deepEqual(r.index, expected);
      assert.equal(r.report?.source, 'none');
      assert.equal(r.report?.hits, 0);
      assert.equal(r.report?.saved, true);
      assert.match(r.report?.problem ?? '', problem);
      const rewritten = await scan({ cacheDir: copyOf(dir, `${dir}-copy`) });
      assert.equal(rewritten.report?.source, 'disk');
      assert.equal(rewritten.report?.misses, 0);
    }
  });

  it('is not used when the options that change results differ', async () => {
    const opts: ScanOptions = { exclude: ['drivers/net/**'], extraWrappers: ['demo_request'] };
    const expected = await reference(opts);
    const r = await scan({ ...opts, cacheDir: copyOf('e', 'f') });
    assert.deepEqual(r.index, expected);
    assert.equal(r.report?.source, 'none');
    assert.equal(r.report?.hits, 0);
    assert.match(r.report?.problem ?? '', /from another version or other scan settings/);
  });

  it('writes nothing with cache: false, and nothing into the scanned tree', async () => {
    await scan({ cache: false, cacheDir: path.join(work, 'off') });
    assert.equal(fs.existsSync(path.join(work, 'off')), false);
    const inside = await scan({ cacheDir: path.join(tree, '.cache') });
    assert.equal(inside.report?.file, null);
    assert.equal(inside.report?.saved, false);
    assert.equal(
      inside.report?.problem,
      `cache folder ${path.join(tree, '.cache')} is inside the scanned tree: nothing is stored`,
    );
    const again = await scan({ cacheDir: path.join(tree, '.cache') });
    assert.equal(again.report?.problem, inside.report?.problem);
    assert.equal(fs.existsSync(path.join(tree, '.cache')), false);
  });

  it('makes a second CLI process start from the cache in XDG_CACHE_HOME', () => {
    const env = { ...process.env, XDG_CACHE_HOME: path.join(work, 'xdg') };
    const run = () =>
      spawnSync(process.execPath, [path.join(repo, 'dist/cli.js'), 'scan', tree, '--format', 'json'], {
        encoding: 'utf8',
        env,
      });
    const cold = run();
    const dirs = fs.readdirSync(path.join(work, 'xdg/autoload-lens/scan'));
    assert.equal(dirs.length, 1);
    const file = path.join(work, 'xdg/autoload-lens/scan', dirs[0], CACHE_FILE);
    const written = fs.statSync(file).mtimeMs;
    const warm = run();
    assert.equal(warm.stdout, cold.stdout);
    assert.equal(warm.status, cold.status);
    assert.equal(fs.statSync(file).mtimeMs, written);
  });
});

describe('scan cache and what besides the C files the index depends on', () => {
  let work: string;
  let tree: string;
  let kdir: string;

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'autoload-lens-cache-oot-'));
    tree = path.join(work, 'tree');
    fs.cpSync(path.join(repo, 'test/fixtures/out-of-tree'), tree, { recursive: true });
    // A kernel directory of a few lines: module.h for MODULE_ALIAS, fs.h for MODULE_ALIAS_FS.
    kdir = path.join(work, 'kdir');
    fs.mkdirSync(path.join(kdir, 'include/linux'), { recursive: true });
    fs.writeFileSync(
      path.join(kdir, 'include/linux/module.h'),
      '#define MODULE_INFO(tag, info) __MODULE_INFO(tag, tag, info)\n#define MODULE_ALIAS(_alias) MODULE_INFO(alias, _alias)\n',
    );
    fs.writeFileSync(path.join(kdir, 'include/linux/fs.h'), '#define MODULE_ALIAS_FS(NAME) MODULE_ALIAS("fs-" NAME)\n');
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  async function scan(cacheDir: string | undefined): Promise<{ index: SourceIndex; report: ScanCacheReport | null }> {
    let report: ScanCacheReport | null = null;
    const r = await scanTree(tree, {
      threads: 0,
      kernelDirectory: kdir,
      ...(cacheDir ? { cacheDir } : { cache: false }),
      onCache: (c) => (report = c),
    });
    if (!r.ok) assert.fail(r.error.message);
    return { index: r.value, report };
  }
  const valuesIn = (index: SourceIndex, file: string) =>
    index.aliases.filter((a) => a.file === file).map((a) => `${a.module} ${a.value}`);

  it('sees a changed Makefile though every C file is unchanged', async () => {
    const cache = path.join(work, 'cache');
    const first = await scan(cache);
    assert.deepEqual(valuesIn(first.index, 'sub/x_util.c'), ['mydrv_x mydrv-x:mydrv_x', 'mydrv_x null']);
    assert.deepEqual(valuesIn(first.index, 'main.c').slice(1, 2), ['mydrv fs-mydrv']);
    fs.writeFileSync(path.join(tree, 'sub/Makefile'), 'obj-m += renamed.o\nrenamed-y := x_main.o x_util.o\n');
    const second = await scan(cache);
    assert.equal(second.report?.misses, 0);
    assert.deepEqual(second.index, (await scan(undefined)).index);
    assert.deepEqual(valuesIn(second.index, 'sub/x_util.c'), ['renamed mydrv-x:renamed', 'renamed null']);
    // A Kbuild file next to the Makefile takes its place.
    fs.writeFileSync(path.join(tree, 'sub/Kbuild'), 'obj-m += via-kbuild.o\nvia-kbuild-objs := x_util.o\n');
    const third = await scan(cache);
    assert.deepEqual(valuesIn(third.index, 'sub/x_util.c'), ['via_kbuild mydrv-x:via_kbuild', 'via_kbuild null']);
  });

  it('reads a changed header of the kernel directory again, and keys the cache on the kernel directory', async () => {
    const cache = path.join(work, 'cache-k');
    const first = await scan(cache);
    fs.writeFileSync(
      path.join(kdir, 'include/linux/fs.h'),
      '#define MODULE_ALIAS_FS(NAME) MODULE_ALIAS("fs2-" NAME)\n',
    );
    const changed = await scan(cache);
    assert.deepEqual(valuesIn(changed.index, 'main.c').slice(1, 2), ['mydrv fs2-mydrv']);
    assert.deepEqual(changed.index, (await scan(undefined)).index);
    // Only the changed header is read again (in each pass that selects it).
    const total = (first.report?.misses ?? 0) + (first.report?.hits ?? 0);
    assert.ok(
      changed.report && changed.report.misses > 0 && changed.report.misses < total,
      JSON.stringify(changed.report),
    );
    let report: ScanCacheReport | null = null;
    const none = await scanTree(tree, {
      threads: 0,
      kernelDirectory: null,
      cacheDir: cache,
      onCache: (c) => (report = c),
    });
    assert.ok(none.ok);
    assert.equal((report as ScanCacheReport | null)?.source, 'none');
    assert.match((report as ScanCacheReport | null)?.problem ?? '', /from another version or other scan settings/);
  });
});
