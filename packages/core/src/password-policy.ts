import { isCommonPassword } from './common-passwords'

export const MIN_PASSWORD_LENGTH = 8
export const MAX_PASSWORD_LENGTH = 1024

/**
 * Why a new password is refused, as a sentence for the person choosing it; undefined when it is
 * acceptable. Applied wherever a password is set (accounts, changes, resets, configured
 * passwords); logins check only the hash, so old passwords keep working until changed.
 */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `passwords have at least ${MIN_PASSWORD_LENGTH} characters`
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return `passwords have at most ${MAX_PASSWORD_LENGTH} characters`
  }
  if (password.trim() === '') return 'a password cannot be only spaces; choose another'
  if (isCommonPassword(password)) {
    return 'this is one of the most common passwords, which attackers try first; choose another'
  }
  return undefined
}
