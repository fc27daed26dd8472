import {
  ACCOUNT_THROTTLE,
  ADDRESS_THROTTLE,
  isStale,
  recordFailure,
  retryAfterMs,
  TooManyRequestsError,
  withdrawFailure,
  type FailureRecord,
  type ThrottlePolicy,
} from '@concord/core'

export interface LoginGuardOptions {
  readonly account: ThrottlePolicy
  readonly address: ThrottlePolicy
  /**
   * Records kept per kind (accounts, addresses). Past it the least recently failed is dropped, so
   * someone spraying usernames or addresses cannot grow the server's memory without bound.
   */
  readonly maxRecords: number
}

export const LOGIN_GUARD_DEFAULTS: LoginGuardOptions = Object.freeze({
  account: ACCOUNT_THROTTLE,
  address: ADDRESS_THROTTLE,
  maxRecords: 10_000,
})

/** One login attempt under way: counted as a failure unless it reports success. */
export interface LoginAttempt {
  /** The password was right: the account starts afresh and the address's count is taken back. */
  succeeded(): void
}

/**
 * Failure records of one kind, least recently failed first (a Map keeps insertion order and a
 * record is moved to the end each time it changes).
 */
class FailureTable {
  private readonly records = new Map<string, FailureRecord>()

  constructor(
    readonly policy: ThrottlePolicy,
    private readonly max: number,
  ) {}

  get size(): number {
    return this.records.size
  }

  get(key: string): FailureRecord | undefined {
    return this.records.get(key)
  }

  set(key: string, record: FailureRecord | undefined, now: number): void {
    this.records.delete(key)
    if (record === undefined) return
    this.records.set(key, record)
    this.prune(now)
  }

  private prune(now: number): void {
    for (const [key, record] of this.records) {
      if (this.records.size <= this.max && !isStale(this.policy, record, now)) break
      this.records.delete(key)
    }
  }
}

/**
 * Per-account and per-address login throttling, in memory (a restart forgets it; an attacker
 * gains a few free guesses per restart, which they cannot cause). Unknown usernames are counted
 * like real ones, so answers never tell whether an account exists.
 *
 * An attempt is counted as a failure when it starts and taken back when it succeeds: parallel
 * guesses see each other, instead of all passing the check before any has failed.
 */
export class LoginGuard {
  private readonly accounts: FailureTable
  private readonly addresses: FailureTable

  constructor(opts: LoginGuardOptions = LOGIN_GUARD_DEFAULTS) {
    this.accounts = new FailureTable(opts.account, opts.maxRecords)
    this.addresses = new FailureTable(opts.address, opts.maxRecords)
  }

  /** Records held, per kind (for tests and metrics). */
  get tracked(): { readonly accounts: number; readonly addresses: number } {
    return { accounts: this.accounts.size, addresses: this.addresses.size }
  }

  /** Throws TooManyRequestsError while the account or the address must wait; else counts one. */
  begin(username: string, address: string, now: number): LoginAttempt {
    const accountWait = retryAfterMs(this.accounts.policy, this.accounts.get(username), now)
    const addressWait = retryAfterMs(this.addresses.policy, this.addresses.get(address), now)
    const wait = Math.max(accountWait, addressWait)
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000)
      const at = new Date(now + seconds * 1000).toISOString().slice(11, 19)
      const why =
        accountWait >= addressWait
          ? `too many failed sign-ins for '${username}'`
          : 'too many failed sign-ins from your address'
      throw new TooManyRequestsError(seconds, `${why}; try again in ${seconds} s (at ${at} UTC)`)
    }
    this.accounts.set(
      username,
      recordFailure(this.accounts.policy, this.accounts.get(username), now),
      now,
    )
    this.addresses.set(
      address,
      recordFailure(this.addresses.policy, this.addresses.get(address), now),
      now,
    )
    let settled = false
    return {
      succeeded: () => {
        if (settled) return
        settled = true
        this.accounts.set(username, undefined, now)
        this.addresses.set(address, withdrawFailure(this.addresses.get(address)), now)
      },
    }
  }
}
