/**
 * Every request of the real 2-CPU boot (samples/boot-6.1-qemu/trace.txt) linked against Debian's exact source of the
 * traced kernel (linux-source-6.1 6.1.176-1). The expected call sites below were read off that source: for each
 * traced symbol, the request calls it can reach as GCC emits code, narrowed to those whose format prints the name.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { scanTree } from '../../../src/analysis/index';
import type { Finding, RequestRecord } from '../../../src/engine/report';
import { replayTrace } from '../../../src/engine/replay/index';
import { KERNEL_TREE_6_1, requireKernelTree } from '../../fixtures/kernelTree';

const sample = path.resolve(__dirname, '../../../../samples/boot-6.1-qemu');

/** `link file:line[,file:line] via a>b` per location, the way a person checks them against the source. */
function expected(symbol: string, name: string): string {
  const one = (link: string, where: string, ...via: string[]) => `${link} ${where} via ${via.join('>')}`;
  const direct = (where: string, fn = symbol) => one('direct', where, fn);
  switch (symbol) {
    case '__rtnl_newlink':
      return direct('net/core/rtnetlink.c:3637');
    case '__sock_create':
      return direct('net/socket.c:1531');
    case 'alg_bind':
      return direct('crypto/af_alg.c:171');
    case 'base_probe':
      return direct(/^char-major-\d+-\d+$/.test(name) ? 'fs/char_dev.c:661' : 'fs/char_dev.c:663');
    case 'blk_request_module':
      return direct(/^block-major-\d+-\d+$/.test(name) ? 'block/genhd.c:765' : 'block/genhd.c:768');
    case 'bpf_fill_super':
      return one('inlined', 'kernel/bpf/inode.c:687', 'bpf_fill_super', 'populate_bpffs', 'bpf_preload_mod_get');
    case 'bprm_execve':
      return one('inlined', 'fs/exec.c:1779', 'bprm_execve', 'exec_binprm', 'search_binary_handler');
    case 'can_create':
      return direct('net/can/af_can.c:132');
    case 'crypto_alg_mod_lookup': {
      if (name === 'cryptomgr')
        return one('inlined-global', 'crypto/api.c:308', 'crypto_alg_mod_lookup', 'crypto_probing_notify');
      const larval = ['crypto_alg_mod_lookup', 'crypto_larval_lookup'];
      const plain = one('inlined', 'crypto/api.c:285', ...larval);
      return name.endsWith('-all') ? `${plain}; ${one('inlined', 'crypto/api.c:289', ...larval)}` : plain;
    }
    case 'crypto_lookup_template':
      return direct('crypto/algapi.c:625');
    case 'ctrl_getfamily':
      return direct('net/netlink/genetlink.c:1096');
    // `request_module("%s", name)` ends dev_load: emitted as a jump, it carries dev_ioctl's symbol.
    case 'dev_ioctl':
      return one('tail-call', 'net/core/dev_ioctl.c:437', 'dev_ioctl', 'dev_load');
    case 'dev_load':
      return direct('net/core/dev_ioctl.c:435');
    case 'dm_get_target_type':
      return one('inlined', 'drivers/md/dm-target.c:47', 'dm_get_target_type', 'load_module');
    case 'do_ipt_get_ctl':
      return direct('net/ipv4/netfilter/ip_tables.c:1690');
    case 'get_fs_type':
      return direct('fs/filesystems.c:284');
    case 'inet_create':
      return direct(name.includes('-type-') ? 'net/ipv4/af_inet.c:292' : 'net/ipv4/af_inet.c:299');
    case 'load_nls':
      return direct('fs/nls/nls_base.c:304');
    case 'misc_open':
      return direct('drivers/char/misc.c:120');
    case 'netlink_create':
      return direct('net/netlink/af_netlink.c:675');
    case 'nf_tables_abort':
      return `${one('inlined', 'net/netfilter/nf_tables_api.c:9995', 'nf_tables_abort', 'nf_tables_module_autoload')} made at ${nftOrigins(name)}`;
    case 'nfnetlink_bind':
      return direct('net/netfilter/nfnetlink.c:714');
    case 'nfnetlink_rcv_msg':
      return direct('net/netfilter/nfnetlink.c:236');
    case 'pppox_create':
      return direct('drivers/net/ppp/pppox.c:124');
    case 'qdisc_create':
      return direct('net/sched/sch_api.c:1237');
    case 'snd_hda_codec_configure':
      return one(
        'inlined',
        'sound/pci/hda/hda_bind.c:233',
        'snd_hda_codec_configure',
        'codec_bind_module',
        'request_codec_module',
      );
    case 'snd_open':
      return one('inlined', 'sound/core/sound.c:79', 'snd_open', 'autoload_device', 'snd_request_other');
    case 'tc_action_load_ops':
      return direct('net/sched/act_api.c:1353');
    case 'tcf_proto_lookup_ops':
      return direct('net/sched/cls_api.c:155');
    case 'tty_ldisc_get.part.0':
      return direct('drivers/tty/tty_ldisc.c:156', 'tty_ldisc_get');
    case 'v9fs_get_trans_by_name':
      return direct('net/9p/mod.c:117');
    case 'xt_request_find_table_lock':
      return direct('net/netfilter/x_tables.c:1311');
    // can-proto-N is made by can_create [can]; appletalk's code sits at that address since can was unloaded.
    case 'aarp_send_ddp':
      return 'stale fits net/can/af_can.c:132';
    default:
      return `unexpected symbol ${symbol}`;
  }
}

function actual(r: RequestRecord): string {
  const cs = r.callSite!;
  if (cs.link === 'stale') return `stale fits ${(cs.fits ?? []).map((f) => `${f.file}:${f.line}`).join(',')}`;
  const locations = (cs.locations ?? []).map((l) => `${l.link} ${l.file}:${l.line} via ${l.via.join('>')}`).join('; ');
  return cs.origins === undefined
    ? locations
    : `${locations} made at ${cs.origins.map((o) => `${o.file}:${o.line}`).join(',')}`;
}

/**
 * nft_request_module formats the name into a queued nft_module_request; nf_tables_module_autoload requests it later.
 * Its calls in nf_tables_api.c: "nft-chain-%u-%.*s" (939), "nft-expr-%u-%.*s" (2918), "nft-expr-%.*s" (2949): a name
 * nft-expr-1-x fits both expression formats, since "%.*s" may print "1-x".
 */
function nftOrigins(name: string): string {
  const at = (...lines: number[]) => lines.map((l) => `net/netfilter/nf_tables_api.c:${l}`).join(',');
  if (name.startsWith('nft-chain-')) return at(939);
  return /^nft-expr-\d+-/.test(name) ? at(2918, 2949) : at(2949);
}

describe("the real 6.1 boot linked to the traced kernel's exact source", { timeout: 10 * 60 * 1000 }, () => {
  let requests: RequestRecord[];
  let findings: Finding[];
  before(async () => {
    requireKernelTree(KERNEL_TREE_6_1, '6.1.176-1');
    const index = await scanTree(KERNEL_TREE_6_1);
    if (!index.ok) assert.fail(index.error.message);
    const report = await replayTrace({
      tracePath: path.join(sample, 'trace.txt'),
      modulesDir: path.join(sample, 'modules'),
      source: index.value,
    });
    if (!report.ok) assert.fail(report.error.message);
    requests = report.value.requests;
    findings = report.value.findings;
  });

  it('links every request to exactly the call sites that can make its name', () => {
    assert.equal(requests.length, 264);
    const wrong = requests
      .filter((r) => actual(r) !== expected(r.callSite!.symbol, r.name))
      .map(
        (r) =>
          `line ${r.line} ${r.callSite!.symbol} ${JSON.stringify(r.name)}: ${actual(r)} (expected ${expected(r.callSite!.symbol, r.name)})`,
      );
    assert.deepEqual(wrong, []);
  });

  it('finds aarp_send_ddp [appletalk] stale, and nothing else', () => {
    assert.deepEqual(
      requests.filter((r) => r.callSite?.link === 'stale').map((r) => `${r.line} ${r.callSite!.symbol} ${r.name}`),
      ['309 aarp_send_ddp can-proto-1', '311 aarp_send_ddp can-proto-2'],
    );
  });

  it('takes a miss the linked code handles (it looks the service up again) as information, and keeps the others as warnings', () => {
    const misses = findings.filter(
      (f) =>
        f.rule === 'undocumented-alias' &&
        f.evidence.resolution &&
        (f.evidence.resolution as { kind: string }).kind === 'none',
    );
    // crypto_larval_lookup calls crypto_alg_lookup before and again after both requests (crypto/api.c:283, :291).
    const crypto = misses.find((f) => f.name === 'crypto-nosuchhash-all');
    assert.equal(crypto?.severity, 'info');
    assert.equal(crypto?.evidence.handledBy, 'crypto_alg_lookup looks the service up again at crypto/api.c:291');
    // base_probe, blk_request_module, dev_load and nf_tables_module_autoload do not look again: these stay warnings.
    assert.deepEqual(
      misses
        .filter((f) => f.severity === 'warning')
        .map((f) => f.name)
        .sort(),
      [
        'block-major-60-0',
        'char-major-60',
        'char-major-60-0',
        'hdaudio:v1AF40022r00100101a01\n',
        'nft-expr-1-ct',
        'nft-expr-1-limit',
        'nft-expr-1-log',
        'nft-expr-1-queue',
        'nft-expr-1-socket',
        'nft-expr-2-masq',
        'nosuchdev0',
      ],
    );
  });
});
