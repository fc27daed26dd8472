import { randomInt } from 'node:crypto'

/** Letters and digits without the look-alikes 0/O, 1/l/I: easy to read off a terminal. */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/**
 * A random password to show once (first admin, demo users, `concord user add`): 16 characters
 * of a 56-letter alphabet, about 93 bits, from a cryptographic source.
 */
export function generatePassword(length = 16): string {
  let out = ''
  for (let i = 0; i < length; i++) out += ALPHABET.charAt(randomInt(ALPHABET.length))
  return out
}
