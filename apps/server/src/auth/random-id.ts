import { randomInt } from 'node:crypto'

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'

/** `prefix` + `length` characters of [a-z0-9], uniformly from a cryptographic source. */
export function randomId(prefix: string, length: number): string {
  let out = prefix
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)]
  return out
}
