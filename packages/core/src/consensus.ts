/**
 * The consensus rule, one label per item, used by every feature that needs "the" label of an
 * item (agreement hotspots, exports, model training):
 *
 * 1. An adjudicated label wins (rule `adjudicated`), whatever the votes say.
 * 2. Otherwise, when the item has at least `k` human labels (K, the project's overlap) and one
 *    label has a strict majority, i.e. more than half of the labels, it is the consensus
 *    (rule `majority`).
 * 3. Otherwise there is no consensus (rule `none`); `ties` lists the labels sharing the highest
 *    vote count when two or more do (e.g. 2-2-1), sorted; it is empty otherwise.
 *
 * Multi-label values take part as their stored set (ids joined by '|'): a set is one vote.
 */
export type ConsensusRule = 'adjudicated' | 'majority' | 'none'

export interface Consensus {
  readonly label: string | null
  readonly rule: ConsensusRule
  readonly ties: readonly string[]
}

export type Votes = Readonly<Record<string, number>> | ReadonlyMap<string, number>

export function consensusFor(
  votes: Votes,
  adjudicated: string | null | undefined,
  k: number,
): Consensus {
  const entries: [string, number][] =
    votes instanceof Map
      ? [...(votes as ReadonlyMap<string, number>).entries()]
      : Object.entries(votes as Record<string, number>)
  let total = 0
  let top = 0
  for (const [, n] of entries) {
    if (n > 0) total += n
    if (n > top) top = n
  }
  const leaders = top > 0 ? entries.filter(([, n]) => n === top).map(([l]) => l) : []
  const ties = leaders.length > 1 ? leaders.sort() : []
  if (adjudicated !== null && adjudicated !== undefined && adjudicated !== '') {
    return { label: adjudicated, rule: 'adjudicated', ties }
  }
  if (total >= Math.max(1, k) && top * 2 > total) {
    return { label: leaders[0] as string, rule: 'majority', ties: [] }
  }
  return { label: null, rule: 'none', ties }
}
