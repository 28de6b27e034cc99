// ML-KEM-768 test vectors from an independent implementation (noble), for
// tests/mlkem768_noble_test.cpp: `node mlkem_vectors.mjs COUNT SEED` prints
// COUNT lines "d z m ek dk ct k" in hex. d, z and m of test i are bytes
// [96i, 96i+96) of SHAKE-128(SEED) (node's own SHAKE, not noble's), so a
// line can be reproduced from the seed and its index alone.
import { createHash } from 'node:crypto';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';

const [countArg, seed] = process.argv.slice(2);
const count = Number(countArg);
if (!Number.isInteger(count) || count <= 0 || seed === undefined) {
  console.error('usage: node mlkem_vectors.mjs COUNT SEED');
  process.exit(2);
}
const stream = createHash('shake128', { outputLength: 96 * count }).update(seed).digest();
const hex = (b) => Buffer.from(b).toString('hex');
const lines = [];
for (let i = 0; i < count; i++) {
  const d = stream.subarray(96 * i, 96 * i + 32);
  const z = stream.subarray(96 * i + 32, 96 * i + 64);
  const m = stream.subarray(96 * i + 64, 96 * i + 96);
  const { publicKey, secretKey } = ml_kem768.keygen(Buffer.concat([d, z]));
  const { cipherText, sharedSecret } = ml_kem768.encapsulate(publicKey, m);
  const again = ml_kem768.decapsulate(cipherText, secretKey);
  if (hex(again) !== hex(sharedSecret)) {
    console.error(`noble: decapsulate disagrees with encapsulate in test ${i}`);
    process.exit(1);
  }
  lines.push([d, z, m, publicKey, secretKey, cipherText, sharedSecret].map(hex).join(' '));
}
process.stdout.write(lines.join('\n') + '\n');
