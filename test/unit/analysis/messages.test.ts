// The wording of every message shape the source rules write: each names the call as the source writes it and what
// the analysis knows of the name, and reads as a sentence (shapes taken from the whole 6.12 tree).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RawCall } from '../../../src/analysis/facts';
import { callText, nameTooLong, uncheckedZeroReturn, undocumentedAlias } from '../../../src/analysis/rules';
import { AliasCatalog } from '../../../src/engine/modules/aliasDeclarations';
import type { CallSiteInfo } from '../../../src/engine/sourceIndex';

function site(p: Partial<CallSiteInfo>): CallSiteInfo {
  return {
    file: 'drivers/x.c',
    line: 10,
    column: 2,
    callee: 'request_module',
    kind: 'direct',
    via: [],
    function: 'x_init',
    format: null,
    pattern: null,
    name: null,
    family: null,
    shapes: null,
    arguments: [],
    returnUse: 'discarded',
    assignedTested: null,
    wait: true,
    endLine: 10,
    endColumn: 30,
    tail: false,
    requestsHere: true,
    recheck: null,
    queue: null,
    ...p,
  };
}

const raw = (testLine: number | null = null): RawCall => ({
  callee: 'request_module',
  line: 10,
  column: 2,
  endLine: 10,
  endColumn: 30,
  args: [],
  returnUse: 'discarded',
  assignedTested: null,
  tail: false,
  definition: 'x_init',
  inMacro: false,
  zeroPath: { testLine, lookups: [], retry: null },
});

test('the call as written, with what the text does not show: a name or format macros build', () => {
  // drivers/crypto/intel/qat/qat_c3xxx/adf_drv.c
  assert.equal(
    callText(site({ arguments: ['"intel_qat"'], format: 'intel_qat', pattern: 'intel_qat', name: 'intel_qat' })),
    'request_module("intel_qat")',
  );
  // drivers/media/usb/dvb-usb-v2/af9035.c: the name is an argument of "%s"
  assert.equal(
    callText(site({ arguments: ['"%s"', '"it913x"'], format: '%s', pattern: 'it913x', name: 'it913x' })),
    'request_module("%s", "it913x")',
  );
  // drivers/media/v4l2-core/v4l2-i2c.c: the format is I2C_MODULE_PREFIX "%s"
  assert.equal(
    callText(site({ arguments: ['I2C_MODULE_PREFIX "%s"', 'info->type'], format: 'i2c:%s', pattern: 'i2c:*' })),
    'request_module(I2C_MODULE_PREFIX "%s", info->type) (format "i2c:%s")',
  );
  // a name through a constant
  assert.equal(
    callText(site({ arguments: ['FW_NAME'], format: 'fw-loader', pattern: 'fw-loader', name: 'fw-loader' })),
    'request_module(FW_NAME) ("fw-loader")',
  );
  // drivers/cpufreq/powernow-k8.c: nothing known but the argument
  assert.equal(callText(site({ arguments: ['drv'] })), 'request_module(drv)');
  // a multi-line call keeps one space; a long one keeps its first argument
  assert.equal(
    callText(site({ arguments: ['"demo-cond-%d"', '\n\t\t\tid'], format: 'demo-cond-%d', pattern: 'demo-cond-*' })),
    'request_module("demo-cond-%d", id)',
  );
  assert.equal(
    callText(
      site({
        callee: 'v4l2_i2c_new_subdev_board',
        kind: 'wrapper',
        arguments: ['&cam->v4l2_dev', 'sensor_adapter', '&ov7670_info_for_a_long_board_name', 'NULL'],
      }),
      false,
    ),
    'v4l2_i2c_new_subdev_board(&cam->v4l2_dev, …)',
  );
});

test('unchecked-zero-return: ignored, or taken as success, by a named function or by code at file scope', () => {
  assert.equal(
    uncheckedZeroReturn(site({ arguments: ['drv'], function: '__request_acpi_cpufreq' }), raw())!.message,
    'request_module(drv) ignores the return value, and __request_acpi_cpufreq() never looks the service up again: a 0 return does not mean the module is loaded',
  );
  const tested = uncheckedZeroReturn(
    site({
      arguments: ['"ip_set_%s"', 'name'],
      format: 'ip_set_%s',
      pattern: 'ip_set_*',
      returnUse: 'condition',
      function: 'load_settype',
    }),
    raw(12),
  )!;
  assert.equal(
    tested.message,
    'request_module("ip_set_%s", name) returning 0 is taken as success, but load_settype() never looks the service up again: a 0 return does not mean the module is loaded',
  );
  assert.deepEqual(
    tested.related.map((r) => [r.line, r.message]),
    [[12, 'the return value is tested here; on 0 the code goes on as if the module were loaded']],
  );
  const atFileScope = uncheckedZeroReturn(
    site({
      callee: 'request_module_nowait',
      arguments: ['"pcmcia"'],
      name: 'pcmcia',
      function: null,
      returnUse: 'assigned',
      assignedTested: false,
    }),
    raw(),
  )!;
  assert.equal(
    atFileScope.message,
    'request_module_nowait("pcmcia") ignores the return value, and the code after it never looks the service up again: a 0 return does not mean the module is loaded',
  );
});

test('name-too-long: a constant name, a bounded format, an unbounded one already too long', () => {
  const name = 'foo-firmware-helper-for-the-very-long-named-device-family-12345';
  assert.equal(
    nameTooLong(
      site({ arguments: ['"foo-firmware-helper-for-the-very-long-named-device-family-%d"', 'ID'], name }),
      63,
      63,
    )!.message,
    `request_module("foo-firmware-helper-for-the-very-long-named-device-family-%d", …) requests "${name}", 63 bytes; with the NUL that exceeds MODULE_NAME_LEN (56 on 64-bit), so the kernel returns -ENAMETOOLONG before any trace event`,
  );
  assert.equal(
    nameTooLong(
      site({ arguments: ['PREFIX "-%d-%d-%d"', 'a', 'b', 'c'], format: 'a-module-name-prefix-that-is-long-%d-%d-%d' }),
      69,
      40,
    )!.message,
    'request_module(PREFIX "-%d-%d-%d", a, b, c) (format "a-module-name-prefix-that-is-long-%d-%d-%d") can request names of up to 69 bytes; with the NUL that exceeds MODULE_NAME_LEN (56 on 64-bit), so the kernel returns -ENAMETOOLONG before any trace event',
  );
  assert.equal(
    nameTooLong(
      site({
        arguments: ['"a-prefix-so-long-that-no-module-name-can-follow-it-any-more-%s"', 's'],
        format: 'a-prefix-so-long-that-no-module-name-can-follow-it-any-more-%s',
      }),
      Infinity,
      60,
    )!.message,
    'every name request_module("a-prefix-so-long-that-no-module-name-can-follow-it-any-more-%s", …) can request is at least 60 bytes long; with the NUL that exceeds MODULE_NAME_LEN (56 on 64-bit), so the kernel returns -ENAMETOOLONG before any trace event',
  );
  assert.equal(nameTooLong(site({ arguments: ['"fs-%s"', 'name'], format: 'fs-%s' }), Infinity, 3), null);
});

test('undocumented-alias: the family a direct call or a wrapper call requests', () => {
  const none = new AliasCatalog([], []);
  assert.equal(
    undocumentedAlias(
      site({ arguments: ['"nvme-%s"', 'opts->transport'], format: 'nvme-%s', pattern: 'nvme-*', family: 'nvme-' }),
      none,
    )!.message,
    'request_module("nvme-%s", opts->transport) requests names of the form "nvme-*", but no MODULE_ALIAS* declaration and no module\'s file name in the tree matches that pattern',
  );
  // drivers/usb/common/ulpi.c: ulpi_register() → ulpi_read_id() → request_module("ulpi:v%04xp%04x", …)
  const wrapper = site({
    callee: 'ulpi_register',
    kind: 'wrapper',
    via: ['ulpi_read_id', 'request_module'],
    arguments: ['dev', 'ulpi'],
    format: 'ulpi:v%04xp%04x',
    pattern: 'ulpi:v*p*',
    family: 'ulpi:v',
  });
  assert.equal(
    undocumentedAlias(wrapper, none)!.message,
    'ulpi_register(dev, ulpi) requests names of the form "ulpi:v*p*" through ulpi_read_id → request_module, but no MODULE_ALIAS* declaration and no module\'s file name in the tree matches that pattern',
  );
});
