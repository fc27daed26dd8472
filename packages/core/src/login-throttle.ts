/**
 * Login throttling rules: after a few free failures each further failure doubles the wait before
 * the next attempt is heard, up to a cap. Pure: the caller keeps the records and passes the time.
 *
 * An online guesser is then held to about one guess per `maxDelayMs` per key, while a person who
 * mistypes a few times never waits. The server keeps one record per account and one per client
 * address (see apps/server/src/auth/login-guard.ts).
 */
export interface ThrottlePolicy {
  /** Failures allowed before any wait. */
  readonly freeFailures: number
  /** The wait after the first failure past the free ones; each further failure doubles it. */
  readonly baseDelayMs: number
  /** The longest wait. */
  readonly maxDelayMs: number
  /** A record with no failure for this long starts again from zero. */
  readonly forgetAfterMs: number
}

/** Failures of one key (an account, an address) and when the last one happened. */
export interface FailureRecord {
  readonly failures: number
  readonly lastFailureAt: number
}

/** Per account: 5 free failures, then 1 s, 2 s, 4 s... up to 15 minutes; forgotten after a day. */
export const ACCOUNT_THROTTLE: ThrottlePolicy = Object.freeze({
  freeFailures: 5,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 24 * 3600_000,
})

/**
 * Per client address: more free failures (people behind one NAT share an address), forgotten
 * after a quiet hour; it stops one address from trying one password on many accounts.
 */
export const ADDRESS_THROTTLE: ThrottlePolicy = Object.freeze({
  freeFailures: 20,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 3600_000,
})

/** The wait that `failures` failures impose after the last one: 0 while they are free. */
export function failureDelayMs(policy: ThrottlePolicy, failures: number): number {
  const past = failures - policy.freeFailures
  if (past < 0) return 0
  // 2^past overflows to Infinity long after the cap: min() handles it.
  return Math.min(policy.baseDelayMs * 2 ** past, policy.maxDelayMs)
}

function forgotten(policy: ThrottlePolicy, record: FailureRecord, now: number): boolean {
  return now - record.lastFailureAt >= policy.forgetAfterMs
}

/** How long the key must still wait before an attempt is heard (0: now). */
export function retryAfterMs(
  policy: ThrottlePolicy,
  record: FailureRecord | undefined,
  now: number,
): number {
  if (!record) return 0
  const until = record.lastFailureAt + failureDelayMs(policy, record.failures)
  return Math.max(0, until - now)
}

/** The record after one more failure at `now` (an old record is forgotten first). */
export function recordFailure(
  policy: ThrottlePolicy,
  record: FailureRecord | undefined,
  now: number,
): FailureRecord {
  const before = record && !forgotten(policy, record, now) ? record.failures : 0
  return { failures: before + 1, lastFailureAt: now }
}

/**
 * The record with one failure taken back (an attempt counted when it started turned out to
 * succeed); undefined when none is left.
 */
export function withdrawFailure(record: FailureRecord | undefined): FailureRecord | undefined {
  if (!record || record.failures <= 1) return undefined
  return { failures: record.failures - 1, lastFailureAt: record.lastFailureAt }
}

/** Whether a record can be dropped: forgotten and not imposing a wait. */
export function isStale(policy: ThrottlePolicy, record: FailureRecord, now: number): boolean {
  return forgotten(policy, record, now) && retryAfterMs(policy, record, now) === 0
}

/**
 * The key an address is throttled under: an IPv4 address as it is (IPv4-mapped IPv6 included),
 * an IPv6 address by its /64 prefix, since one subscriber commonly holds a whole /64 and could
 * otherwise rotate through addresses for free.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)
  if (mapped?.[1]) return mapped[1]
  if (!address.includes(':')) return address
  const [head = '', tail] = address.toLowerCase().split('%')[0]!.split('::') as [string, string?]
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
  if (groups.length !== 8) return address
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`
}
