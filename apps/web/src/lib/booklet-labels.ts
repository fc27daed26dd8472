import { bookletLabels } from '@concord/core'
import { createSignal, onCleanup, type Accessor } from 'solid-js'
import * as Y from 'yjs'
import { renderMarkdown } from './markdown'
import type { RoomHandle } from './room'

/** A label's booklet section, rendered: sanitised HTML, safe for `innerHTML`. */
export interface LabelDefinitionHtml {
  readonly id: string
  readonly name: string
  readonly definitionHtml: string
  readonly includesHtml: string
  readonly excludesHtml: string
  /** Bumped by editors when the meaning of the definition changes. */
  readonly version: number
}

/** Where a label's section is in the booklet view (e.g. a "read more" link beside a definition). */
export function bookletLabelHref(projectId: string, labelId: string): string {
  return `/p/${encodeURIComponent(projectId)}/booklet#label-${encodeURIComponent(labelId)}`
}

interface Source {
  name: string
  definition: string
  includes: string
  excludes: string
  version: number
}

function textOf(value: unknown): string {
  if (value instanceof Y.Text) return value.toString()
  return typeof value === 'string' ? value : ''
}

function readSource(id: string, map: Y.Map<unknown>): Source {
  const name = map.get('name')
  const version = map.get('version')
  return {
    name: typeof name === 'string' && name.trim() !== '' ? name.trim() : id,
    definition: textOf(map.get('definition')),
    includes: textOf(map.get('includes')),
    excludes: textOf(map.get('excludes')),
    version: typeof version === 'number' && Number.isFinite(version) ? version : 1,
  }
}

function same(a: Source, b: Source): boolean {
  return (
    a.name === b.name &&
    a.definition === b.definition &&
    a.includes === b.includes &&
    a.excludes === b.excludes &&
    a.version === b.version
  )
}

export interface LabelDefinitions {
  /** The current definitions by label id (a new Map after every change). */
  current(): ReadonlyMap<string, LabelDefinitionHtml>
  /** Stops observing the document. */
  dispose(): void
}

/**
 * The plain form: reads the booklet's label sections from `doc`, keeps them rendered as the
 * document changes and calls `onChange` with a new Map after each change. Only the sections that
 * changed are rendered again.
 */
export function makeLabelDefinitions(
  doc: Y.Doc,
  onChange: (definitions: ReadonlyMap<string, LabelDefinitionHtml>) => void = () => undefined,
): LabelDefinitions {
  const labels = bookletLabels(doc)
  const cache = new Map<string, { source: Source; html: LabelDefinitionHtml }>()
  let current: ReadonlyMap<string, LabelDefinitionHtml> = new Map()

  const rebuild = (): void => {
    const next = new Map<string, LabelDefinitionHtml>()
    labels.forEach((value, id) => {
      if (!(value instanceof Y.Map)) return
      const source = readSource(id, value as Y.Map<unknown>)
      const cached = cache.get(id)
      if (cached && same(cached.source, source)) {
        next.set(id, cached.html)
        return
      }
      const html: LabelDefinitionHtml = Object.freeze({
        id,
        name: source.name,
        definitionHtml: renderMarkdown(source.definition),
        includesHtml: renderMarkdown(source.includes),
        excludesHtml: renderMarkdown(source.excludes),
        version: source.version,
      })
      cache.set(id, { source, html })
      next.set(id, html)
    })
    for (const id of cache.keys()) if (!next.has(id)) cache.delete(id)
    current = next
  }

  const observer = (): void => {
    rebuild()
    onChange(current)
  }
  rebuild()
  labels.observeDeep(observer)
  return {
    current: () => current,
    dispose: () => labels.unobserveDeep(observer),
  }
}

/**
 * The live label definitions of a booklet room, for the annotate view (a definition one hover
 * or key away). Stops observing with the owning Solid scope.
 *
 *   const room = createRoom(`booklet/${project.id}`, { userId })
 *   const definitions = createLabelDefinitions(room)
 *   <div innerHTML={definitions().get(labelId)?.definitionHtml ?? ''} />
 */
export function createLabelDefinitions(
  room: Pick<RoomHandle, 'doc'>,
): Accessor<ReadonlyMap<string, LabelDefinitionHtml>> {
  const [value, setValue] = createSignal<ReadonlyMap<string, LabelDefinitionHtml>>(new Map())
  const definitions = makeLabelDefinitions(room.doc, (next) => setValue(next))
  setValue(definitions.current())
  onCleanup(() => definitions.dispose())
  return value
}
