// The client half of mlkem768x25519-sha256 with independent code (noble's
// ML-KEM-768, X25519 and SHA-256), for raw_ssh_client (tests/tools/
// kex_client.h): a login with it checks lpsshd's ML-KEM and hybrid
// construction against someone else's.
//
//   node hybrid_client.mjs init     prints Q_C (ML-KEM-768 encapsulation key
//                                   || X25519 public value) and the client's
//                                   secrets (decapsulation key || X25519
//                                   secret), one hex line each
//   node hybrid_client.mjs finish   reads the secrets and Q_S (ciphertext ||
//                                   X25519 value), one hex line each, and
//                                   prints K as the exchange hash takes it:
//                                   string(SHA-256(ML-KEM secret || X25519
//                                   secret))
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

const hex = (b) => Buffer.from(b).toString('hex');
const bytes = (h) => {
  if (!/^([0-9a-f]{2})*$/.test(h)) throw new Error('not hex');
  return new Uint8Array(Buffer.from(h, 'hex'));
};
const cat = (a, b) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
};
const EK = 1184, DK = 2400, CT = 1088, X = 32;

const verb = process.argv[2];
if (verb === 'init') {
  const { publicKey, secretKey } = ml_kem768.keygen(randomBytes(64));
  const xSecret = new Uint8Array(randomBytes(X));
  const xPublic = x25519.getPublicKey(xSecret);
  if (publicKey.length !== EK || secretKey.length !== DK) throw new Error('unexpected ML-KEM sizes');
  process.stdout.write(hex(cat(publicKey, xPublic)) + '\n' + hex(cat(secretKey, xSecret)) + '\n');
} else if (verb === 'finish') {
  const [stateHex, qsHex] = readFileSync(0, 'utf8').trim().split('\n');
  const state = bytes(stateHex), qs = bytes(qsHex);
  if (state.length !== DK + X || qs.length !== CT + X) throw new Error('wrong sizes');
  const kem = ml_kem768.decapsulate(qs.subarray(0, CT), state.subarray(0, DK));
  const shared = x25519.getSharedSecret(state.subarray(DK), qs.subarray(CT));
  if (shared.every((b) => b === 0)) throw new Error('X25519 shared secret is zero');
  const h = sha256(cat(kem, shared));
  const k = new Uint8Array(4 + h.length);
  new DataView(k.buffer).setUint32(0, h.length);
  k.set(h, 4);
  process.stdout.write(hex(k) + '\n');
} else {
  process.stderr.write('usage: hybrid_client.mjs init|finish\n');
  process.exit(2);
}
