import {
  bookletForLabels,
  isBookletDocEmpty,
  newBookletDiscussion,
  newBookletExample,
  newBookletLabel,
  writeBookletToDoc,
} from '@concord/core'
import {
  createComputed,
  createEffect,
  createMemo,
  createSignal,
  For,
  on,
  onCleanup,
  Show,
} from 'solid-js'
import type * as Y from 'yjs'
import type { ProjectViewProps } from '../App'
import { Header } from '../components/Header'
import { createRoom } from '../lib/room'
import { user } from '../lib/session'
import { AddDiscussionForm, AddExampleForm, AddLabelForm } from './booklet/AddForms'
import type { Choice } from './booklet/controls'
import { formatDate } from './booklet/controls'
import { DiscussionItem } from './booklet/DiscussionItem'
import { ExampleItem } from './booklet/ExampleItem'
import { IntroSection } from './booklet/IntroSection'
import { LabelSection } from './booklet/LabelSection'
import { Toc, type TocEntry } from './booklet/Toc'
import { createBookletModel } from './booklet/y-signals'
import './booklet.css'

/** A stable anchor for an entry of a Y.Array (the id of the Yjs item that holds it). */
function entrySlug(prefix: string, map: Y.Map<unknown>): string {
  const id = map._item?.id
  return id ? `${prefix}-${id.client.toString(36)}-${id.clock.toString(36)}` : prefix
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`
}

/**
 * The project's booklet: the guidelines everyone labels by, edited live by several people. A
 * readable document (title, introduction, a section per label, ambiguous examples, minutes of
 * discussions, newest first) with a table of contents; editors switch a section to its editor,
 * bound live to the shared document. Read-only members see the rendered document only.
 */
export default function BookletView(props: ProjectViewProps) {
  // One room per project: moving to another project's booklet builds the page anew.
  return (
    <Show when={props.project.id} keyed>
      {(_id) => <BookletPage project={props.project} refresh={props.refresh} />}
    </Show>
  )
}

function BookletPage(props: ProjectViewProps) {
  const project = () => props.project
  const room = createRoom(`booklet/${props.project.id}`, { userId: user()?.id ?? 'anonymous' })
  const model = createBookletModel(room.doc)
  const canEdit = () => project().role !== 'annotator' || project().annotatorsEditBooklet
  // Opened right after this user added it: its editor starts open.
  const [fresh, setFresh] = createSignal<Y.Map<unknown> | null>(null)

  // Content shows once IndexedDB or the server delivered it; the empty state only after the
  // server confirmed that the booklet really is empty.
  const [loadedLocal, setLoadedLocal] = createSignal(false)
  room.doc.once('update', () => setLoadedLocal(true))
  // Once shown, the booklet stays shown (a dropped connection must not blank the page).
  const [ready, setReady] = createSignal(false)
  createComputed(() => {
    if (!ready() && (room.synced() || (loadedLocal() && !model.empty()))) setReady(true)
  })

  const schemaLabels = () => project().labelSchema.labels
  const labelName = (id: string): string => {
    const entry = model.labels().find((l) => l.id === id)
    const name = entry ? (entry.map.get('name') as unknown) : undefined
    if (typeof name === 'string' && name.trim() !== '') return name.trim()
    return schemaLabels().find((l) => l.id === id)?.name ?? id
  }
  const labelChoices = createMemo<Choice[]>(() => {
    const seen = new Set<string>()
    const choices: Choice[] = []
    for (const l of model.labels()) {
      seen.add(l.id)
      choices.push({ value: l.id, label: labelName(l.id) })
    }
    for (const l of schemaLabels()) {
      if (!seen.has(l.id)) choices.push({ value: l.id, label: l.name })
    }
    return choices
  })
  const missingLabels = createMemo<Choice[]>(() => {
    const present = new Set(model.labels().map((l) => l.id))
    return schemaLabels()
      .filter((l) => !present.has(l.id))
      .map((l) => ({ value: l.id, label: `${l.name} (${l.id})` }))
  })

  /**
   * Examples grouped by decided label (in the booklet's label order), in the order they were
   * added within a group. One flat list, so an example whose label changes moves between groups
   * without being rebuilt (its editor stays open).
   */
  const sortedExamples = createMemo(() => {
    const rank = new Map(model.labels().map((l, i) => [l.id, i]))
    const added = new Map(model.examples().map((map, i) => [map, i]))
    const labelOf = (map: Y.Map<unknown>): string => String(map.get('label')).trim()
    const rankOf = (label: string): number => rank.get(label) ?? rank.size
    const list = [...model.examples()].sort((a, b) => {
      const la = labelOf(a)
      const lb = labelOf(b)
      return (
        rankOf(la) - rankOf(lb) || (la < lb ? -1 : la > lb ? 1 : 0) || added.get(a)! - added.get(b)!
      )
    })
    return list.map((map, i) => ({
      map,
      label: labelOf(map),
      first: i === 0 || labelOf(list[i - 1]!) !== labelOf(map),
    }))
  })
  const exampleCount = (label: string): number =>
    sortedExamples().filter((e) => e.label === label).length
  const exampleInfo = (map: Y.Map<unknown>) => sortedExamples().find((e) => e.map === map)

  const summary = () => {
    const parts = [
      plural(model.labels().length, 'label', 'labels'),
      plural(model.examples().length, 'ambiguous example', 'ambiguous examples'),
      plural(model.discussions().length, 'discussion', 'discussions'),
    ]
    return parts.join(' · ') + (canEdit() ? '' : ' · read only')
  }

  const tocEntries = createMemo<TocEntry[]>(() => [
    { id: 'intro', label: 'Introduction' },
    {
      id: 'labels',
      label: 'Labels',
      children: model.labels().map((l) => ({
        id: `label-${l.id}`,
        label: labelName(l.id),
        note: `v${versionOf(l.map)}`,
      })),
    },
    { id: 'examples', label: 'Ambiguous examples', note: String(model.examples().length) },
    {
      id: 'discussions',
      label: 'Discussions',
      note: String(model.discussions().length),
      children: model.discussions().map((map) => ({
        id: entrySlug('discussion', map),
        label: formatDate(String(map.get('date'))),
      })),
    },
  ])

  // Arriving with #label-x (e.g. from the annotate view): scroll there once it is rendered.
  createEffect(
    on(ready, (isReady) => {
      if (!isReady || !window.location.hash) return
      requestAnimationFrame(() => {
        const target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)))
        target?.scrollIntoView({ block: 'start' })
      })
    }),
  )

  const startFromSchema = (): void => {
    if (!isBookletDocEmpty(room.doc)) return
    try {
      writeBookletToDoc(room.doc, bookletForLabels(project().name, schemaLabels()))
    } catch {
      // someone else started it at the same moment: theirs is shown
    }
  }
  const addLabel = (id: string): void => {
    const schema = schemaLabels().find((l) => l.id === id)
    const order = Math.max(
      -1,
      ...model.labels().map((l) => {
        const o = l.map.get('order')
        return typeof o === 'number' && Number.isFinite(o) ? o : -1
      }),
    )
    const map = newBookletLabel(
      {
        id,
        name: schema?.name ?? id,
        definition: schema?.description ?? '',
        includes: '',
        excludes: '',
      },
      order + 1,
    )
    setFresh(map)
    model.labelsMap.set(id, map)
    requestAnimationFrame(() =>
      document.getElementById(`label-${id}`)?.scrollIntoView({ block: 'nearest' }),
    )
  }
  const addExample = (itemId: string, label: string): void => {
    const map = newBookletExample({ itemId, label, rationale: '' }, Date.now())
    setFresh(map)
    model.examplesArray.push([map])
  }
  const addDiscussion = (date: string, title: string): void => {
    const map = newBookletDiscussion({ date, title, body: '' })
    setFresh(map)
    model.discussionsArray.push([map])
  }
  const removeFrom = (array: Y.Array<unknown>, map: Y.Map<unknown>): void => {
    const index = array.toArray().indexOf(map)
    if (index >= 0) array.delete(index, 1)
  }

  // The tab says which booklet this is.
  const previousTitle = document.title
  createEffect(() => {
    document.title = `${model.title() || project().name} · Booklet · Concord`
  })
  onCleanup(() => {
    document.title = previousTitle
  })

  const errors = () => room.notices().filter((n) => n.level === 'error')

  return (
    <>
      <Header
        project={{ id: project().id, name: project().name, role: project().role }}
        status={room.status()}
        waiting={room.waiting()}
      />
      <div class="bk-layout" data-testid="booklet">
        <Toc entries={tocEntries()} />
        <main class="bk-doc" aria-busy={!ready()}>
          <Show when={errors().length > 0}>
            <div class="bk-banner" role="alert">
              {errors().at(-1)?.message}
            </div>
          </Show>
          <Show when={ready()} fallback={<BookletSkeleton offline={room.status() === 'offline'} />}>
            <IntroSection
              model={model}
              fallbackTitle={project().name}
              canEdit={canEdit()}
              summary={summary()}
            />
            <Show when={model.empty()}>
              <div class="bk-empty" data-testid="booklet-empty">
                <Show
                  when={canEdit()}
                  fallback={<p>No guidelines have been written for this project yet.</p>}
                >
                  <p>
                    This booklet is empty. Start it with a section for each of the project's{' '}
                    {schemaLabels().length} labels, then write their definitions.
                  </p>
                  <button
                    type="button"
                    class="primary"
                    onClick={startFromSchema}
                    data-testid="start-booklet"
                  >
                    Start the booklet
                  </button>
                </Show>
              </div>
            </Show>

            <section id="labels" class="bk-part" aria-labelledby="labels-title">
              <h2 id="labels-title">Labels</h2>
              <Show when={model.labels().length === 0}>
                <p class="md-empty">No label sections yet.</p>
              </Show>
              <For each={model.labels()}>
                {(entry) => (
                  <LabelSection
                    entry={entry}
                    canEdit={canEdit()}
                    exampleCount={exampleCount(entry.id)}
                    startEditing={fresh() === entry.map}
                    onRemove={() => model.labelsMap.delete(entry.id)}
                  />
                )}
              </For>
              <Show when={canEdit()}>
                <AddLabelForm missing={missingLabels()} onAdd={addLabel} />
              </Show>
            </section>

            <section id="examples" class="bk-part" aria-labelledby="examples-title">
              <h2 id="examples-title">Ambiguous examples</h2>
              <p class="bk-part-intro">
                Items that were hard to label, the label decided for each and why.
              </p>
              <Show when={model.examples().length === 0}>
                <p class="md-empty">No examples yet.</p>
              </Show>
              <div class="bk-examples">
                <For each={sortedExamples().map((e) => e.map)}>
                  {(map) => (
                    <>
                      <Show when={exampleInfo(map)?.first}>
                        <h3 class="bk-example-group" id={`examples-${exampleInfo(map)?.label}`}>
                          Decided as{' '}
                          <a href={`#label-${exampleInfo(map)?.label}`}>
                            {labelName(exampleInfo(map)?.label ?? '')}
                          </a>
                        </h3>
                      </Show>
                      <ExampleItem
                        map={map}
                        slug={entrySlug('example', map)}
                        projectId={project().id}
                        canEdit={canEdit()}
                        labelChoices={labelChoices()}
                        labelName={labelName}
                        startEditing={fresh() === map}
                        onRemove={() => removeFrom(model.examplesArray, map)}
                      />
                    </>
                  )}
                </For>
              </div>
              <Show when={canEdit()}>
                <AddExampleForm labels={labelChoices()} onAdd={addExample} />
              </Show>
            </section>

            <section id="discussions" class="bk-part" aria-labelledby="discussions-title">
              <h2 id="discussions-title">Discussions</h2>
              <p class="bk-part-intro">Minutes of past discussions, newest first.</p>
              <Show when={canEdit()}>
                <AddDiscussionForm onAdd={addDiscussion} />
              </Show>
              <Show when={model.discussions().length === 0}>
                <p class="md-empty">No minutes yet.</p>
              </Show>
              <For each={model.discussions()}>
                {(map) => (
                  <DiscussionItem
                    map={map}
                    slug={entrySlug('discussion', map)}
                    canEdit={canEdit()}
                    startEditing={fresh() === map}
                    onRemove={() => removeFrom(model.discussionsArray, map)}
                  />
                )}
              </For>
            </section>
          </Show>
        </main>
      </div>
    </>
  )
}

function versionOf(map: Y.Map<unknown>): number {
  const v = map.get('version')
  return typeof v === 'number' && Number.isFinite(v) ? v : 1
}

/** Placeholder blocks shaped like the booklet, so the page does not jump when it arrives. */
function BookletSkeleton(props: { offline: boolean }) {
  return (
    <div class="bk-skeleton">
      <p class="muted" role="status">
        {props.offline
          ? 'Offline: the booklet has not been saved on this device yet.'
          : 'Loading the booklet…'}
      </p>
      <div class="bk-skel bk-skel-title" />
      <div class="bk-skel bk-skel-line" />
      <div class="bk-skel bk-skel-line short" />
      <div class="bk-skel bk-skel-card" />
      <div class="bk-skel bk-skel-card" />
    </div>
  )
}
