import { ConcordError } from '@concord/core'
import { mulberry32, noPace, pca2d, type Pace } from '@concord/core/ml'
import { UMAP } from 'umap-js'
import type { ProjectOptions, Projection2d } from './protocol'

/**
 * Default row limit for UMAP. umap-js's neighbour search and 200 epochs take about a minute for
 * 20,000 x 256 on two cores (half each) and grow faster than linearly; above it the map uses PCA,
 * which is a few passes over the data.
 */
export const UMAP_MAX_ROWS = 20_000
/** UMAP's default neighbourhood; smaller inputs use n - 1. */
const UMAP_NEIGHBOURS = 15

/**
 * Places every row of an n x d matrix on a 2D map: UMAP (McInnes, Healy & Melville 2018) with a
 * seeded random source when n <= umapMaxRows, so that the same data and seed give the same map;
 * otherwise, or when asked, the first two principal components.
 */
export function project2d(
  X: Float32Array,
  n: number,
  d: number,
  seed: number,
  options: ProjectOptions = {},
  pace: Pace = noPace,
): Projection2d {
  if (X.length !== n * d) {
    throw new ConcordError(
      'bad_request',
      `the embeddings have ${X.length} values but ${n} rows x ${d} dimensions need ${n * d}`,
    )
  }
  const method = options.method ?? 'auto'
  const umapMax = options.umapMaxRows ?? UMAP_MAX_ROWS
  // UMAP needs a few neighbours per point; tiny inputs get PCA whatever was asked.
  const useUmap = n > 3 && (method === 'umap' || (method === 'auto' && n <= umapMax))
  if (!useUmap) return { method: 'pca', xy: pca2d(X, n, d) }
  const rows: number[][] = new Array(n)
  for (let i = 0; i < n; i++) rows[i] = Array.from(X.subarray(i * d, (i + 1) * d))
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(UMAP_NEIGHBOURS, n - 1),
    minDist: 0.1,
    // umap-js runs 500 epochs below 10,000 rows and 200 above; 200 everywhere keeps a
    // 10,000-row map under half a minute on two cores and still settles the layout.
    nEpochs: 200,
    random: mulberry32(seed),
  })
  // fit() is initializeFit() and then every epoch's step(): stepping here lets a pause come
  // between epochs (the neighbour search in initializeFit runs in one go).
  const epochs = umap.initializeFit(rows)
  for (let e = 0; e < epochs; e++) {
    pace()
    umap.step()
  }
  const embedding = umap.getEmbedding()
  const xy = new Float32Array(n * 2)
  embedding.forEach((point, i) => {
    xy[i * 2] = point[0] ?? 0
    xy[i * 2 + 1] = point[1] ?? 0
  })
  return { method: 'umap', xy }
}
