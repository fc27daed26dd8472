import type { MapPoint } from './model-api'

export type ColorBy = 'label' | 'cluster' | 'disagreement'

/** One colour of the map: its points are drawn as one <path>, and it has a legend entry. */
export interface ColorGroup {
  key: string
  name: string
  color: string
}

export interface Coloring {
  groups: ColorGroup[]
  groupOf: (p: MapPoint) => string
}

/** Tableau 10: distinguishable, and safe enough for the common colour-vision deficiencies. */
const CATEGORICAL = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
]
export const NONE_COLOR = '#c3c8cf'

export function categorical(i: number): string {
  if (i < CATEGORICAL.length) return CATEGORICAL[i]!
  // Past ten, spread hues by the golden angle so neighbours in index still differ.
  return `hsl(${Math.round((i * 137.508) % 360)} 55% 48%)`
}

/** Disagreement bins (share of annotator pairs that differ): light when people agree. */
const DISAGREEMENT_BINS: Array<{ key: string; name: string; max: number; color: string }> = [
  { key: 'd0', name: 'agree (0)', max: 0, color: '#f3cf6b' },
  { key: 'd1', name: 'up to 0.25', max: 0.25, color: '#f9b268' },
  { key: 'd2', name: 'up to 0.5', max: 0.5, color: '#ee6a3c' },
  { key: 'd3', name: 'up to 0.75', max: 0.75, color: '#c6332c' },
  { key: 'd4', name: 'above 0.75', max: Infinity, color: '#7f1020' },
]

export function disagreementBin(d: number | null): string {
  if (d === null || !Number.isFinite(d)) return 'none'
  return DISAGREEMENT_BINS.find((b) => d <= b.max)!.key
}

export function coloring(
  by: ColorBy,
  labels: ReadonlyArray<{ id: string; name: string }>,
  clusterIds: readonly number[],
): Coloring {
  switch (by) {
    case 'label': {
      const known = new Set(labels.map((l) => l.id))
      return {
        groups: [
          ...labels.map((l, i) => ({ key: `l:${l.id}`, name: l.name, color: categorical(i) })),
          { key: 'none', name: 'no consensus yet', color: NONE_COLOR },
        ],
        // A label no longer in the schema counts as none rather than vanishing from the map.
        groupOf: (p) => (p.label !== null && known.has(p.label) ? `l:${p.label}` : 'none'),
      }
    }
    case 'cluster':
      return {
        groups: [...clusterIds]
          .sort((a, b) => a - b)
          .map((c) => ({ key: `c:${c}`, name: `cluster ${c}`, color: clusterColor(c) })),
        groupOf: (p) => `c:${p.cluster}`,
      }
    case 'disagreement':
      return {
        groups: [
          ...DISAGREEMENT_BINS.map(({ key, name, color }) => ({ key, name, color })),
          { key: 'none', name: 'fewer than 2 labels', color: NONE_COLOR },
        ],
        groupOf: (p) => disagreementBin(p.disagreement),
      }
  }
}

export function clusterColor(c: number): string {
  return categorical(c)
}
