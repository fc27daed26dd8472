import { reviewSessionMinutes, type ReviewSession } from '@concord/core'
import { createResource, Show } from 'solid-js'
import type { ProjectSummary } from '../../lib/api'
import { Link } from '../../lib/router'
import { Markdown } from '../booklet/Markdown'
import type { ItemCache } from './review-data'

/** An ended session: its minutes, as they were added to the booklet's discussions. */
export function SessionEnded(props: {
  session: ReviewSession
  project: ProjectSummary
  items: ItemCache
}) {
  const labelName = (id: string): string =>
    props.project.labelSchema.labels.find((l) => l.id === id)?.name ?? id
  const [minutes] = createResource(
    () => props.session,
    async (s) => {
      const names = await props.items.load(s.agenda)
      return reviewSessionMinutes(s, {
        item: (id) => names.get(id)?.externalId ?? `#${id}`,
        label: labelName,
      })
    },
  )
  return (
    <section class="rv-ended" data-testid="review-ended" data-session={props.session.id}>
      <h1>{props.session.title}</h1>
      <p class="muted">
        {props.session.date} · ended · the minutes are in the{' '}
        <Link href={`/p/${props.project.id}/booklet#discussions`}>booklet's discussions</Link>
      </p>
      <Show when={minutes()}>{(m) => <Markdown text={m()} class="card rv-minutes" />}</Show>
    </section>
  )
}
