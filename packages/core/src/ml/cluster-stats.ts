import { ConcordError } from '../errors'

export interface ClusterStat {
  readonly cluster: number
  /** Items assigned to the cluster. */
  readonly size: number
  /** Of those, items with a label. */
  readonly labelled: number
  /** labelCounts[c] = labelled items of class c. */
  readonly labelCounts: number[]
  /** Mean disagreement over the cluster's items that have one; null when none has. */
  readonly meanDisagreement: number | null
  /** A region the labels have not reached yet; see {@link clusterStats}. */
  readonly gap: boolean
}

export interface ClusterStatsOptions {
  /**
   * A cluster is a gap when its labelled share is below this (default: half the overall
   * labelled share).
   */
  readonly gapShare?: number
}

/**
 * Per-cluster counts for the data map and the "coverage" queue order. `labels` holds a class
 * index per item or −1 when unlabelled; `disagreement` is NaN for items with fewer than two
 * labels; `labelCount` is the number of classes (default: the largest label + 1).
 *
 * Gap rule: with s = labelled items / all items, a non-empty cluster is a gap when
 * labelled / size < gapShare, gapShare = s / 2 unless given. Relative to s, because what
 * matters is where labelling lags behind the rest of the data: at 2% labelled overall a cluster
 * at 0.5% is a gap, at 40% overall one at 10% is. While nothing is labelled (s = 0) every
 * cluster is equally unexplored, so none is singled out.
 *
 * Example: assignments [0, 0, 0, 0, 1, 1, 1, 1], labels [0, 1, 0, -1, -1, -1, -1, -1]:
 * s = 3/8, gapShare = 3/16; cluster 0 has share 3/4 (no gap), cluster 1 has 0 (a gap).
 */
export function clusterStats(
  assignments: Int32Array,
  labels: Int32Array,
  disagreement: Float32Array | Float64Array | readonly number[],
  k: number,
  labelCount?: number,
  options: ClusterStatsOptions = {},
): ClusterStat[] {
  const n = assignments.length
  if (labels.length !== n || disagreement.length !== n) {
    throw new ConcordError(
      'bad_request',
      `assignments, labels and disagreement must have one entry per item; got ${n}, ` +
        `${labels.length} and ${disagreement.length}`,
    )
  }
  if (!Number.isInteger(k) || k < 0) {
    throw new ConcordError('bad_request', `k (the number of clusters) must be >= 0, got ${k}`)
  }
  let maxLabel = -1
  for (let i = 0; i < n; i++) {
    const a = assignments[i]!
    if (a < 0 || a >= k) {
      throw new ConcordError('bad_request', `item ${i} is in cluster ${a}, outside 0..${k - 1}`)
    }
    const l = labels[i]!
    if (l < -1) {
      throw new ConcordError('bad_request', `item ${i} has label ${l}; use -1 for "unlabelled"`)
    }
    if (l > maxLabel) maxLabel = l
  }
  const classes = labelCount ?? maxLabel + 1
  if (maxLabel >= classes) {
    throw new ConcordError(
      'bad_request',
      `label ${maxLabel} is outside the ${classes} classes given as labelCount`,
    )
  }
  const size = new Int32Array(k)
  const labelled = new Int32Array(k)
  const counts = Array.from({ length: k }, () => new Array<number>(classes).fill(0))
  const disagreementSum = new Float64Array(k)
  const disagreementCount = new Int32Array(k)
  let labelledTotal = 0
  for (let i = 0; i < n; i++) {
    const a = assignments[i]!
    size[a]!++
    const l = labels[i]!
    if (l >= 0) {
      labelled[a]!++
      counts[a]![l]!++
      labelledTotal++
    }
    const dis = disagreement[i]!
    if (!Number.isNaN(dis)) {
      disagreementSum[a]! += dis
      disagreementCount[a]!++
    }
  }
  const gapShare = options.gapShare ?? (n === 0 ? 0 : labelledTotal / n / 2)
  const out: ClusterStat[] = []
  for (let c = 0; c < k; c++) {
    const s = size[c]!
    out.push({
      cluster: c,
      size: s,
      labelled: labelled[c]!,
      labelCounts: counts[c]!,
      meanDisagreement:
        disagreementCount[c]! > 0 ? disagreementSum[c]! / disagreementCount[c]! : null,
      gap: s > 0 && labelled[c]! / s < gapShare,
    })
  }
  return out
}
