import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/**
 * scrypt parameters for new hashes: N=2^14, r=8, p=1 (16 MiB; about 0.1-0.2 s on one core), the
 * parameters recommended for interactive logins and Node's defaults, so a burst of logins stays
 * cheap. Stored hashes carry their own parameters: raising N later (OWASP suggests 2^17) does not
 * invalidate existing hashes.
 */
const N = 1 << 14
const R = 8
const P = 1
const KEY_BYTES = 32
const SALT_BYTES = 16

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  const options: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) =>
      err ? reject(err) : resolve(key),
    )
  })
}

/** Hashes a password into `scrypt$N$r$p$salt$hash` (salt and hash in base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const key = await derive(password, salt, N, R, P)
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/** Checks a password against an encoded hash in constant time; a malformed hash never matches. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parts = encoded.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number]
  // Bounds keep a tampered row from turning a login into a memory bomb.
  const sane =
    Number.isInteger(n) &&
    n >= 2 &&
    n <= 1 << 20 &&
    (n & (n - 1)) === 0 &&
    Number.isInteger(r) &&
    r >= 1 &&
    r <= 32 &&
    Number.isInteger(p) &&
    p >= 1 &&
    p <= 16
  if (!sane) return false
  const salt = Buffer.from(parts[4] ?? '', 'base64url')
  const expected = Buffer.from(parts[5] ?? '', 'base64url')
  if (expected.length !== KEY_BYTES || salt.length === 0) return false
  const actual = await derive(password, salt, n, r, p)
  return timingSafeEqual(actual, expected)
}

/**
 * A valid hash of a random password: a login with an unknown username is verified against it, so
 * it takes as long as a wrong password and does not reveal which usernames exist.
 */
let dummy: Promise<string> | undefined
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'))
  return dummy
}
