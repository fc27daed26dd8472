import { createMemo, createSignal, For, onCleanup, Show } from 'solid-js'
import type { Coloring } from './map-colors'
import type { MapPoint } from './model-api'

/** How near (in screen pixels) the pointer must be to a point to hover or pick it. */
const PICK_PX = 8

interface Bounds {
  x: number
  y: number
  w: number
  h: number
  digits: number
}

function boundsOf(points: readonly MapPoint[]): Bounds {
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (const p of points) {
    if (p.x < minX) minX = p.x
    if (p.x > maxX) maxX = p.x
    if (p.y < minY) minY = p.y
    if (p.y > maxY) maxY = p.y
  }
  if (!Number.isFinite(minX)) return { x: 0, y: 0, w: 1, h: 1, digits: 2 }
  const span = Math.max(maxX - minX, maxY - minY, 1e-9)
  const pad = span * 0.04
  return {
    x: minX - pad,
    y: minY - pad,
    w: maxX - minX + 2 * pad || span,
    h: maxY - minY + 2 * pad || span,
    // About 1/5,000 of the span: finer than a pixel, yet short path strings.
    digits: Math.max(0, Math.min(8, Math.ceil(-Math.log10(span / 5000)))),
  }
}

/** Each point as a zero-length subpath: with round caps it is a dot one stroke-width wide. */
function pathOf(points: readonly MapPoint[], digits: number): string {
  let d = ''
  for (const p of points) d += `M${p.x.toFixed(digits)} ${p.y.toFixed(digits)}h0`
  return d
}

/**
 * The data map as SVG, drawn in the data's own coordinates (the viewBox), so it scales to fit
 * and keeps the projection's proportions. Points are one <path> per colour, not one element
 * each, so 20,000 of them stay light; hovering and picking find the nearest point to the
 * pointer instead of relying on per-element events.
 */
export function ScatterMap(props: {
  points: MapPoint[]
  coloring: Coloring
  selectedCluster: number | null
  onPick: (p: MapPoint) => void
}) {
  let svg: SVGSVGElement | undefined
  let wrap: HTMLDivElement | undefined
  const bounds = createMemo(() => boundsOf(props.points))
  const dot = () => (props.points.length > 5000 ? 3 : props.points.length > 1000 ? 4 : 6)

  const byGroup = (points: readonly MapPoint[]) => {
    const groups = new Map<string, MapPoint[]>()
    for (const p of points) {
      const key = props.coloring.groupOf(p)
      let list = groups.get(key)
      if (!list) groups.set(key, (list = []))
      list.push(p)
    }
    return props.coloring.groups
      .map((g) => ({ ...g, d: pathOf(groups.get(g.key) ?? [], bounds().digits) }))
      .filter((g) => g.d !== '')
  }
  const layers = createMemo(() => byGroup(props.points))
  const selected = createMemo(() =>
    props.selectedCluster === null
      ? []
      : props.points.filter((p) => p.cluster === props.selectedCluster),
  )
  const selectedLayers = createMemo(() => byGroup(selected()))
  const selectedPath = createMemo(() => pathOf(selected(), bounds().digits))

  const nearest = (clientX: number, clientY: number): MapPoint | undefined => {
    const ctm = svg?.getScreenCTM()
    if (!ctm) return undefined
    const at = new DOMPoint(clientX, clientY).matrixTransform(ctm.inverse())
    const scale = Math.hypot(ctm.a, ctm.b) || 1
    let best: MapPoint | undefined
    let bestD = (PICK_PX / scale) ** 2
    for (const p of props.points) {
      const d = (p.x - at.x) ** 2 + (p.y - at.y) ** 2
      if (d <= bestD) {
        bestD = d
        best = p
      }
    }
    return best
  }

  const [hover, setHover] = createSignal<{ point: MapPoint; left: number; top: number }>()
  let frame = 0
  let last: PointerEvent | undefined
  const onMove = (e: PointerEvent): void => {
    last = e
    if (frame) return
    frame = requestAnimationFrame(() => {
      frame = 0
      if (!last || !wrap) return
      const p = nearest(last.clientX, last.clientY)
      const box = wrap.getBoundingClientRect()
      setHover(
        p ? { point: p, left: last.clientX - box.left, top: last.clientY - box.top } : undefined,
      )
    })
  }
  onCleanup(() => cancelAnimationFrame(frame))

  return (
    <div class="map-wrap" ref={wrap}>
      <svg
        ref={svg}
        class="map-svg"
        classList={{ 'has-selection': props.selectedCluster !== null }}
        viewBox={`${bounds().x} ${bounds().y} ${bounds().w} ${bounds().h}`}
        preserveAspectRatio="xMidYMid meet"
        role="img"
        aria-label={`Map of ${props.points.length} items; choose clusters in the list`}
        data-testid="map-points"
        data-count={props.points.length}
        onPointerMove={onMove}
        onPointerLeave={() => {
          last = undefined
          setHover(undefined)
        }}
        onClick={(e) => {
          const p = nearest(e.clientX, e.clientY)
          if (p) props.onPick(p)
        }}
      >
        <g class="map-base">
          <For each={layers()}>
            {(l) => (
              <path
                d={l.d}
                stroke={l.color}
                stroke-width={dot()}
                data-group={l.key}
                vector-effect="non-scaling-stroke"
              />
            )}
          </For>
        </g>
        <Show when={selected().length > 0}>
          <g class="map-selected" data-testid="map-selected" data-count={selected().length}>
            <path
              d={selectedPath()}
              stroke="#1b1f24"
              stroke-width={dot() + 3}
              vector-effect="non-scaling-stroke"
            />
            <For each={selectedLayers()}>
              {(l) => (
                <path
                  d={l.d}
                  stroke={l.color}
                  stroke-width={dot()}
                  vector-effect="non-scaling-stroke"
                />
              )}
            </For>
          </g>
        </Show>
      </svg>
      <Show when={hover()}>
        {(h) => (
          <div
            class="map-tooltip"
            data-testid="map-tooltip"
            style={{ left: `${h().left + 12}px`, top: `${h().top + 12}px` }}
          >
            <strong>{h().point.externalId}</strong>
            <span class="muted"> · cluster {h().point.cluster}</span>
          </div>
        )}
      </Show>
    </div>
  )
}
