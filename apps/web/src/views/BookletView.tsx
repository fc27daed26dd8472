import type { ProjectViewProps } from '../App'

export default function BookletView(_props: Partial<ProjectViewProps>) {
  return <main class="page">BookletView is being built.</main>
}
