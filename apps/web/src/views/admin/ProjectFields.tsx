import type { JSX } from 'solid-js'
import { control, Checkbox, Field } from './form'
import { MAX_OVERLAP, type SettingsDraft } from './project-draft'

/** Name, description, overlap and the two switches: the part of a project both forms edit. */
export function ProjectFields(props: {
  draft: SettingsDraft
  errors: Readonly<Record<string, string>>
  set: (key: keyof SettingsDraft, value: string | boolean) => void
  /** Fields shown right after the name (the new-project form's id). */
  afterName?: JSX.Element
}) {
  const err = (path: string) => () => props.errors[path]
  return (
    <>
      <Field path="name" label="Name" error={props.errors.name}>
        <input
          {...control('name', err('name'))}
          name="name"
          required
          maxLength={200}
          autocomplete="off"
          value={props.draft.name}
          onInput={(e) => props.set('name', e.currentTarget.value)}
        />
      </Field>
      {props.afterName}
      <Field
        path="description"
        label="Description"
        error={props.errors.description}
        hint="Optional. What the project is for; shown to its members."
      >
        <textarea
          {...control('description', err('description'), true)}
          name="description"
          rows={3}
          maxLength={10_000}
          value={props.draft.description}
          onInput={(e) => props.set('description', e.currentTarget.value)}
        />
      </Field>
      <Field
        path="overlap"
        label="Annotators per item"
        error={props.errors.overlap}
        hint={`How many annotators label each item (K, 1 to ${MAX_OVERLAP}). Agreement needs at least 2.`}
        class="narrow"
      >
        <input
          {...control('overlap', err('overlap'), true)}
          name="overlap"
          type="number"
          inputmode="numeric"
          min={1}
          max={MAX_OVERLAP}
          step={1}
          required
          value={props.draft.overlap}
          onInput={(e) => props.set('overlap', e.currentTarget.value)}
        />
      </Field>
      <Checkbox
        path="blind"
        label="Blind mode"
        hint="Annotators do not see each other's labels, so agreement stays independent."
        checked={props.draft.blind}
        onChange={(v) => props.set('blind', v)}
      />
      <Checkbox
        path="annotatorsEditBooklet"
        label="Annotators may edit the booklet"
        hint="Otherwise only reviewers and admins change the guidelines; annotators read and comment."
        checked={props.draft.annotatorsEditBooklet}
        onChange={(v) => props.set('annotatorsEditBooklet', v)}
      />
      <Checkbox
        path="allowRemoteMedia"
        label="Images from other servers"
        hint="Allow items whose image is an http(s) URL. Each annotator's browser then loads it from that server, which learns who looks at which item and when. Off, such items are refused at import; images in Concord's media directory are always served."
        checked={props.draft.allowRemoteMedia}
        onChange={(v) => props.set('allowRemoteMedia', v)}
      />
    </>
  )
}
