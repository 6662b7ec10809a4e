/**
 * Linking traced requests to the call sites that can make their names, on kernel shapes (test/fixtures/link): the
 * expected lines, columns and chains were read off the fixture sources.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { scanTree } from '../../../src/analysis/index';
import { CallSiteLinker } from '../../../src/engine/callSiteLinker';
import type { LocationLinkKind, SourceIndex } from '../../../src/engine/sourceIndex';

const tree = path.resolve(__dirname, '../../../../test/fixtures/link');

const at = (file: string, line: number, column: number, link: LocationLinkKind, ...via: string[]) => ({
  file,
  line,
  column,
  link,
  via,
});

describe('linking a traced request to the lines that can make its name', () => {
  let index: SourceIndex;
  let linker: CallSiteLinker;
  before(async () => {
    const r = await scanTree(tree, { cache: false, threads: 0 });
    if (!r.ok) assert.fail(r.error.message);
    index = r.value;
    linker = new CallSiteLinker(
      index,
      (m) => ({ appletalk: 'kernel/net/appletalk/appletalk.ko', can: 'kernel/net/can/can.ko' })[m] ?? null,
    );
  });

  it('picks the call whose format prints the name: char-major-%d for char-major-60, char-major-%d-%d for char-major-60-0', () => {
    assert.deepEqual(linker.link('base_probe', null, 'char-major-60'), {
      link: 'direct',
      locations: [at('fs/char_dev.c', 7, 3, 'direct', 'base_probe')],
    });
    assert.deepEqual(linker.link('base_probe', null, 'char-major-60-0'), {
      link: 'direct',
      locations: [at('fs/char_dev.c', 5, 6, 'direct', 'base_probe')],
    });
  });

  it('lists every call that can make the name: crypto-%s alone, or with crypto-%s-all for a name ending in -all', () => {
    const lookup = ['crypto_alg_mod_lookup', 'crypto_larval_lookup'];
    assert.deepEqual(linker.link('crypto_alg_mod_lookup', null, 'crypto-sha256'), {
      link: 'inlined',
      locations: [at('crypto/api.c', 10, 3, 'inlined', ...lookup)],
    });
    assert.deepEqual(linker.link('crypto_alg_mod_lookup', null, 'crypto-sha256-all'), {
      link: 'inlined',
      locations: [at('crypto/api.c', 10, 3, 'inlined', ...lookup), at('crypto/api.c', 14, 4, 'inlined', ...lookup)],
    });
  });

  it('follows static helpers to any depth (bpf_fill_super → populate_bpffs → bpf_preload_mod_get)', () => {
    assert.deepEqual(linker.link('bpf_fill_super', null, 'bpf_preload'), {
      link: 'inlined',
      locations: [
        at('kernel/bpf/inode.c', 10, 3, 'inlined', 'bpf_fill_super', 'populate_bpffs', 'bpf_preload_mod_get'),
      ],
    });
    assert.deepEqual(linker.link('snd_hda_codec_configure', null, 'snd-hda-codec-generic'), {
      link: 'inlined',
      locations: [
        at(
          'sound/pci/hda/hda_bind.c',
          27,
          3,
          'inlined',
          'snd_hda_codec_configure',
          'codec_bind_module',
          'request_codec_module',
        ),
      ],
    });
  });

  it('takes a global function of the same file as inlined when only it can make the name (crypto_probing_notify)', () => {
    assert.deepEqual(linker.link('crypto_alg_mod_lookup', null, 'cryptomgr'), {
      link: 'inlined-global',
      locations: [at('crypto/api.c', 27, 3, 'inlined-global', 'crypto_alg_mod_lookup', 'crypto_probing_notify')],
    });
  });

  it('links a request at the end of a callee to its caller (a tail call emitted as a jump), and not under the callee when another call explains it', () => {
    assert.deepEqual(linker.link('dev_ioctl', null, 'eth9'), {
      link: 'tail-call',
      locations: [at('net/core/dev_ioctl.c', 16, 3, 'tail-call', 'dev_ioctl', 'dev_load')],
    });
    // netdev-eth9: "%s" could print it too, but that call ends dev_load and would carry dev_ioctl's symbol.
    assert.deepEqual(linker.link('dev_load', null, 'netdev-eth9'), {
      link: 'direct',
      locations: [at('net/core/dev_ioctl.c', 14, 15, 'direct', 'dev_load')],
    });
    // Only the tail call can make eth9: it answers under its own function too.
    assert.deepEqual(linker.link('dev_load', null, 'eth9'), {
      link: 'direct',
      locations: [at('net/core/dev_ioctl.c', 16, 3, 'direct', 'dev_load')],
    });
    // snd_request_card ends with its request: emitted as a jump, it carries snd_open's symbol.
    assert.deepEqual(linker.link('snd_open', 'snd', 'snd-card-0'), {
      link: 'tail-call',
      locations: [at('sound/core/sound.c', 9, 2, 'tail-call', 'snd_open', 'autoload_device', 'snd_request_card')],
    });
  });

  it('narrows a variable name to the literals assigned to it and to what the function that fills it prints', () => {
    assert.deepEqual(linker.link('snd_open', 'snd', 'snd-seq'), {
      link: 'inlined',
      locations: [at('sound/core/sound.c', 22, 2, 'inlined', 'snd_open', 'autoload_device', 'snd_request_other')],
    });
    const other = index.callSites.find((s) => s.function === 'snd_request_other');
    assert.deepEqual(other?.shapes, [['snd-seq'], ['snd-timer']]);
    // hda_bind's mod is one of two literals, or the buffer snd_hdac_codec_modalias() fills with its format (in another
    // file, sound/hda/hdac_device.c), newline included.
    const codec = index.callSites.find((s) => s.function === 'request_codec_module');
    const hex = (width: number) => ({ conversion: 'X', flags: '0', width, precision: null });
    assert.deepEqual(codec?.shapes, [
      ['snd-hda-codec-hdmi'],
      ['snd-hda-codec-generic'],
      ['hdaudio:v', hex(8), 'r', hex(8), 'a', hex(2), '\n'],
    ]);
    assert.equal(linker.link('snd_hda_codec_configure', null, 'hdaudio:v1AF40022r00100101a01\n').link, 'inlined');
    assert.equal(linker.link('snd_hda_codec_configure', null, 'hdaudio:v1AF40022r00100101a01').link, 'stale');
  });

  it('says stale, with the call sites the name fits, when the symbol cannot make the name; none when its sources were not scanned', () => {
    assert.deepEqual(linker.link('aarp_send_ddp', 'appletalk', 'can-proto-2'), {
      link: 'stale',
      locations: [],
      fits: [{ file: 'net/can/af_can.c', line: 15, column: 9 }],
    });
    assert.deepEqual(linker.link('can_create', 'can', 'can-proto-2'), {
      link: 'direct',
      locations: [at('net/can/af_can.c', 15, 9, 'direct', 'can_create')],
    });
    assert.deepEqual(linker.link('bpf_fill_super', null, 'fs-ext4'), { link: 'stale', locations: [], fits: [] });
    assert.deepEqual(linker.link('ext4_fill_super', null, 'fs-ext4'), { link: 'none', locations: [] });
  });

  it('links a name queued by a deferred wrapper to where it was requested, and to the calls that made it', () => {
    const autoload = at(
      'net/netfilter/nf_tables_api.c',
      63,
      3,
      'inlined',
      'nf_tables_abort',
      'nf_tables_module_autoload',
    );
    const made = (line: number) => ({
      file: 'net/netfilter/nf_tables_api.c',
      line,
      column: 6,
      callee: 'nft_request_module',
      via: ['nft_request_module'],
    });
    assert.deepEqual(linker.link('nf_tables_abort', 'nf_tables', 'nft-expr-1-ct'), {
      link: 'inlined',
      locations: [autoload],
      origins: [made(47)],
    });
    assert.deepEqual(linker.link('nf_tables_abort', 'nf_tables', 'nft-chain-2-nat'), {
      link: 'inlined',
      locations: [autoload],
      origins: [made(38)],
    });
    assert.deepEqual(linker.link('nf_tables_abort', 'nf_tables', 'nft-set-bitmap'), {
      link: 'inlined',
      locations: [autoload],
      origins: [],
    });
    const wrapper = index.wrappers.find((w) => w.name === 'nft_request_module');
    assert.deepEqual([wrapper?.kind, wrapper?.queue], ['function', 'nft_module_request.module']);
  });
});
