/**
 * The key that signs join links: an Ed25519 key pair the server makes on its first start and keeps
 * in its database (settings), so links survive restarts and every instance sharing the database
 * signs and checks with the same key.
 */
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Storage } from '../storage/index.js';

const SETTING = 'join-signing-key';

export interface JoinKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

interface StoredKey {
  kid: string;
  alg: 'EdDSA';
  privateJwk: JWK;
  publicJwk: JWK;
}

export async function loadJoinKey(storage: Storage): Promise<JoinKey> {
  let stored = await storage.getSetting<StoredKey>(SETTING);
  if (!stored) {
    const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    // Another instance may have made one at the same moment: the first one written wins.
    stored = await storage.putSettingOnce<StoredKey>(SETTING, {
      kid: randomBytes(8).toString('hex'),
      alg: 'EdDSA',
      privateJwk: await exportJWK(pair.privateKey),
      publicJwk: await exportJWK(pair.publicKey),
    });
  }
  return {
    kid: stored.kid,
    privateKey: (await importJWK(stored.privateJwk, 'EdDSA')) as CryptoKey,
    publicKey: (await importJWK(stored.publicJwk, 'EdDSA')) as CryptoKey,
  };
}
