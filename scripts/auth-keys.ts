// `node scripts/auth-keys.ts <file>`: the token signing keys file production needs (AUTH_KEYS_FILE), generated with
// one Ed25519 key when it does not exist yet, and left as it is when it does. Compose runs it once before the users
// services start.
import { ensureKeysFile } from '../common/auth/keys.ts';

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/auth-keys.ts <file>');
  process.exit(2);
}
const keys = await ensureKeysFile(file);
console.log(`token signing key ${keys.active.kid} in ${file}`);
