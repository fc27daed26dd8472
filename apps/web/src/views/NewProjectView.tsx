import type { ProjectViewProps } from '../App'

export default function NewProjectView(_props: Partial<ProjectViewProps>) {
  return <main class="page">NewProjectView is being built.</main>
}
