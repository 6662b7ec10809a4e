import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allVariant, cryptoAlgorithm, nameWords, templateInstance } from '../../../src/engine/chains/cryptoNames';

test('crypto_larval_lookup names: crypto-NAME and crypto-NAME-all give NAME; other names none', () => {
  assert.equal(cryptoAlgorithm('crypto-pcbc(fcrypt)'), 'pcbc(fcrypt)');
  assert.equal(cryptoAlgorithm('crypto-pcbc(fcrypt)-all'), 'pcbc(fcrypt)');
  assert.equal(cryptoAlgorithm('crypto-jitterentropy_rng-all'), 'jitterentropy_rng');
  assert.equal(cryptoAlgorithm('cryptomgr'), null);
  assert.equal(cryptoAlgorithm('net-pf-33'), null);
  assert.equal(allVariant('crypto-xts(serpent)'), 'crypto-xts(serpent)-all');
});

test('template instances split as cryptomgr_schedule_probe() splits them', () => {
  assert.deepEqual(templateInstance('pcbc(fcrypt)'), { template: 'pcbc', args: ['fcrypt'] });
  assert.deepEqual(templateInstance('rfc7539(chacha20,poly1305)'), {
    template: 'rfc7539',
    args: ['chacha20', 'poly1305'],
  });
  // A nested instance is one argument, whole: the probe for essiv asks for cbc(serpent), whose own probe splits it.
  assert.deepEqual(templateInstance('essiv(cbc(serpent),sha256)'), {
    template: 'essiv',
    args: ['cbc(serpent)', 'sha256'],
  });
  assert.deepEqual(templateInstance('cryptd(__ecb-aes-aesni)'), { template: 'cryptd', args: ['__ecb-aes-aesni'] });
  // The kernel does not look past the closing parenthesis.
  assert.deepEqual(templateInstance('xts(aes)tail'), { template: 'xts', args: ['aes'] });
});

test('names the kernel starts no probe for', () => {
  for (const name of ['serpent', '(aes)', 'cbc()', 'cbc(aes', 'cbc(aes,)', 'cbc(a(b)', 'cbc(aes;des)', 'c.b(aes)']) {
    assert.equal(templateInstance(name), null, name);
  }
});

test('the words of a name', () => {
  assert.deepEqual(nameWords('__ecb-serpent-sse2'), ['ecb', 'serpent', 'sse2']);
  assert.deepEqual(nameWords('serpent_sse2_x86_64'), ['serpent', 'sse2', 'x86', '64']);
  assert.deepEqual(nameWords('cryptd(__ghash-pclmulqdqni)'), ['cryptd', 'ghash', 'pclmulqdqni']);
});
