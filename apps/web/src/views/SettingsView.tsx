import { createEffect, createSignal, on, Show, Suspense } from 'solid-js'
import type { ProjectViewProps } from '../App'
import { Header } from '../components/Header'
import { api, type ProjectSummary } from '../lib/api'
import { Link } from '../lib/router'
import { user } from '../lib/session'
import './admin.css'
import { Checkbox } from './admin/form'
import { ImportPanel, type ImportTarget } from './admin/ImportPanel'
import { MembersSection } from './admin/MembersSection'
import { ProjectSection } from './admin/ProjectSection'
import { ModelSection } from './models/ModelSection'

interface ItemImportResult {
  imported: number
}
interface LabelImportResult {
  imported: number
  annotators: number
  membersAdded: number
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`
}

/** /p/:id/settings: a project admin's page for settings, members and imports. */
export default function SettingsView(props: ProjectViewProps) {
  // A local copy, updated from the server's answers, so saving or importing does not reload
  // the whole page (and lose focus and messages) through the parent's resource.
  const [project, setProject] = createSignal<ProjectSummary>(props.project)
  // The parent's copy wins when it changes (another project, or its own refresh).
  createEffect(
    on(
      () => props.project,
      (p) => setProject(p),
      { defer: true },
    ),
  )
  const [membersVersion, setMembersVersion] = createSignal(0)
  const base = () => `/api/projects/${encodeURIComponent(project().id)}`

  const reload = async () => {
    try {
      setProject((await api<{ project: ProjectSummary }>('GET', base())).project)
    } catch {
      // The counts stay as they were; the import's own message already says what happened.
    }
  }

  const itemsTarget = (file: File): ImportTarget => {
    const name = file.name.toLowerCase()
    const format =
      name.endsWith('.jsonl') || name.endsWith('.ndjson')
        ? 'jsonl'
        : name.endsWith('.csv')
          ? 'csv'
          : undefined
    if (!format) return { ok: false, reason: 'name the file .csv or .jsonl so its format is known' }
    return {
      ok: true,
      format: format === 'csv' ? 'CSV' : 'JSON Lines',
      path: `${base()}/items/import?format=${format}`,
    }
  }
  // Only a global administrator may make people members through a file, and only on purpose.
  const [addMembers, setAddMembers] = createSignal(false)
  const labelsTarget = (file: File): ImportTarget =>
    file.name.toLowerCase().endsWith('.csv')
      ? {
          ok: true,
          format: 'CSV',
          path: `${base()}/labels/import${addMembers() ? '?addMembers=true' : ''}`,
        }
      : { ok: false, reason: 'labels are imported from a .csv file' }

  return (
    <>
      <Header project={{ id: project().id, name: project().name, role: project().role }} />
      <main class="page admin">
        <div class="page-title">
          <div>
            <p class="crumbs">
              <Link href="/">Projects</Link> / {project().name}
            </p>
            <h1>Settings</h1>
          </div>
          <dl class="stats" aria-label="Project status">
            <div>
              <dt>Items</dt>
              <dd data-testid="item-count">{Number(project().itemCount ?? 0).toLocaleString()}</dd>
            </div>
            <div>
              <dt>Labels</dt>
              <dd>{Number(project().labelCount ?? 0).toLocaleString()}</dd>
            </div>
            <div>
              <dt>Complete</dt>
              <dd>{Number(project().completeCount ?? 0).toLocaleString()}</dd>
            </div>
          </dl>
        </div>

        <Show
          when={project().role === 'admin'}
          fallback={
            <p class="notice bad" role="alert">
              Only the project's admins change its settings; you are {project().role}.
            </p>
          }
        >
          <nav class="section-nav" aria-label="Settings sections">
            <a href="#project">Project</a>
            <a href="#members">Members</a>
            <a href="#import-items">Import items</a>
            <a href="#import-labels">Import labels</a>
            <a href="#model">Model</a>
          </nav>

          <section class="admin-section" id="project" aria-labelledby="project-title">
            <div class="section-intro">
              <h2 id="project-title">Project</h2>
              <p class="muted">
                The name everyone sees, how many annotators label each item, and who sees what.
              </p>
            </div>
            <div class="card">
              {/* Keyed by id: another project gets a fresh form, not this one's draft. */}
              <Show when={project().id} keyed>
                <ProjectSection project={project()} onSaved={setProject} />
              </Show>
            </div>
          </section>

          <section class="admin-section" id="members" aria-labelledby="members-title">
            <div class="section-intro">
              <h2 id="members-title">Members</h2>
              <p class="muted">
                Who works on the project. Admins manage it, reviewers adjudicate and edit the
                booklet, annotators label. Role changes apply at once.
              </p>
            </div>
            <div class="card">
              <Suspense fallback={<p class="muted">Loading members…</p>}>
                <MembersSection projectId={project().id} version={membersVersion()} />
              </Suspense>
            </div>
          </section>

          <section class="admin-section" id="import-items" aria-labelledby="import-items-title">
            <div class="section-intro">
              <h2 id="import-items-title">Import items</h2>
              <p class="muted">
                Add the items to label. A file is imported whole or not at all; ids already in the
                project are refused.
              </p>
            </div>
            <div class="card">
              <ImportPanel<ItemImportResult>
                name="items"
                accept=".csv,.jsonl,.ndjson"
                buttonLabel="Import items"
                target={itemsTarget}
                describe={(r) => `Imported ${plural(r.imported, 'item')}.`}
                onImported={() => void reload()}
              >
                <div class="help">
                  <p>
                    <strong>CSV</strong> with a header row: an <code>id</code> column, and{' '}
                    <code>text</code> or an image column (<code>image</code>, <code>image_url</code>
                    , <code>media_url</code>, <code>url</code>). Other columns are kept as metadata.
                  </p>
                  <pre class="example" aria-label="Example CSV">
                    {
                      'id,text,source\nr1,"Great battery life, poor screen",shop\nr2,Arrived broken,forum'
                    }
                  </pre>
                  <p>
                    <strong>JSON Lines</strong> (<code>.jsonl</code>): one object per line with the
                    same keys, e.g. <code>{'{"id": "r1", "text": "…"}'}</code>.
                  </p>
                </div>
              </ImportPanel>
            </div>
          </section>

          <section class="admin-section" id="import-labels" aria-labelledby="import-labels-title">
            <div class="section-intro">
              <h2 id="import-labels-title">Import labels</h2>
              <p class="muted">
                Bring in labels made elsewhere. An imported label replaces that annotator's current
                label for the item.
              </p>
            </div>
            <div class="card">
              <ImportPanel<LabelImportResult>
                name="labels"
                accept=".csv"
                buttonLabel="Import labels"
                target={labelsTarget}
                describe={(r) =>
                  `Imported ${plural(r.imported, 'label')} from ${plural(r.annotators, 'annotator')}` +
                  (r.membersAdded > 0
                    ? `; ${plural(r.membersAdded, 'non-member')} joined the project as ${r.membersAdded === 1 ? 'an annotator' : 'annotators'}.`
                    : '.')
                }
                onImported={(r) => {
                  void reload()
                  if (r.membersAdded > 0) setMembersVersion((v) => v + 1)
                }}
              >
                <div class="help">
                  <p>
                    <strong>CSV</strong> with the columns <code>item</code> (the item's id),{' '}
                    <code>annotator</code> (a username), <code>label</code> (a label id
                    {project().labelSchema.kind === 'multi' ? '; several joined by |' : ''}), and
                    optionally <code>unsure</code> (yes/no) and <code>note</code>. Every annotator
                    must be a member of the project.
                  </p>
                  <Show when={user()?.isAdmin}>
                    <Checkbox
                      path="addMembers"
                      label="Add annotators who are not members"
                      hint="As a global administrator you may name any account; those who are not members join the project as annotators."
                      checked={addMembers()}
                      onChange={setAddMembers}
                    />
                  </Show>
                  <pre class="example" aria-label="Example CSV">
                    {`item,annotator,label,unsure,note\nr1,alice,${project().labelSchema.labels[0]?.id ?? 'pos'},no,\nr2,bob,${project().labelSchema.labels[1]?.id ?? 'neg'},yes,"sarcasm?"`}
                  </pre>
                </div>
              </ImportPanel>
            </div>
          </section>

          <section class="admin-section" id="model" aria-labelledby="model-title">
            <div class="section-intro">
              <h2 id="model-title">Model</h2>
              <p class="muted">
                A classifier trained on the consensus labels (or one you upload) that suggests
                labels, orders the queue and points at likely mislabeled items.
              </p>
            </div>
            <div class="card">
              <Show when={project().id} keyed>
                <ModelSection project={project()} />
              </Show>
            </div>
          </section>
        </Show>
      </main>
    </>
  )
}
