import type { ProjectViewProps } from '../App'

export default function AnnotateView(_props: Partial<ProjectViewProps>) {
  return <main class="page">AnnotateView is being built.</main>
}
