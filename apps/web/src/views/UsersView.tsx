import type { ProjectViewProps } from '../App'

export default function UsersView(_props: Partial<ProjectViewProps>) {
  return <main class="page">UsersView is being built.</main>
}
