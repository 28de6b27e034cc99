// ML-KEM-768 test vectors from an independent implementation,
// @noble/post-quantum (pinned in package.json, installed by scripts/deps.sh
// with `npm ci`), for tests/mlkem768_noble_test.cpp.
//
//   node mlkem_vectors.mjs COUNT SEED
//
// prints COUNT lines "d z m ek dk ct k rct rk" in hex: noble's KeyGen(d‖z),
// Encaps(ek, m) and Decaps(ct, dk), plus Decaps of a random ciphertext rct
// (implicit rejection: rk = J(z‖rct)). The inputs of test i are bytes
// [1184i, 1184i + 1184) of SHAKE-128(SEED), from node's own SHAKE, not
// noble's: d, z, m (32 bytes each), then rct (1088).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';

const [countArg, seed] = process.argv.slice(2);
const count = Number(countArg);
if (!Number.isInteger(count) || count <= 0 || seed === undefined) {
  console.error('usage: node mlkem_vectors.mjs COUNT SEED');
  process.exit(2);
}
// The comparison means something only against the pinned version.
const pinned = JSON.parse(readFileSync(new URL('./package.json', import.meta.url))).dependencies[
  '@noble/post-quantum'
];
const installed = JSON.parse(
  readFileSync(new URL('./node_modules/@noble/post-quantum/package.json', import.meta.url)),
).version;
if (installed !== pinned) {
  console.error(`@noble/post-quantum ${installed} installed, ${pinned} pinned: run npm ci`);
  process.exit(1);
}

const per = 32 * 3 + 1088;
const stream = createHash('shake128', { outputLength: per * count }).update(seed).digest();
const hex = (b) => Buffer.from(b).toString('hex');
const lines = [];
for (let i = 0; i < count; i++) {
  const at = per * i;
  const d = stream.subarray(at, at + 32);
  const z = stream.subarray(at + 32, at + 64);
  const m = stream.subarray(at + 64, at + 96);
  const rct = stream.subarray(at + 96, at + per);
  const { publicKey, secretKey } = ml_kem768.keygen(Buffer.concat([d, z]));
  const { cipherText, sharedSecret } = ml_kem768.encapsulate(publicKey, m);
  if (hex(ml_kem768.decapsulate(cipherText, secretKey)) !== hex(sharedSecret)) {
    console.error(`noble: decapsulate disagrees with encapsulate in test ${i}`);
    process.exit(1);
  }
  const rk = ml_kem768.decapsulate(rct, secretKey);
  lines.push([d, z, m, publicKey, secretKey, cipherText, sharedSecret, rct, rk].map(hex).join(' '));
}
process.stdout.write(lines.join('\n') + '\n');
