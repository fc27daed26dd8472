import { Show, type JSX } from 'solid-js'
import type { ProjectViewProps } from '../App'
import { Header } from './Header'

/**
 * A page for reviewers and admins: annotators get its title and a sentence saying who may see
 * it (the server refuses them the data anyway).
 */
export function ReviewersOnly(props: {
  project: ProjectViewProps['project']
  title: string
  what: string
  children: JSX.Element
}) {
  return (
    <Show
      when={props.project.role !== 'annotator'}
      fallback={
        <>
          <Header project={props.project} />
          <main class="page">
            <h1>{props.title}</h1>
            <p class="error" role="alert">
              Only reviewers and admins see {props.what}.
            </p>
          </main>
        </>
      }
    >
      {props.children}
    </Show>
  )
}
