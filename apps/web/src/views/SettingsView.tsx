import type { ProjectViewProps } from '../App'

export default function SettingsView(_props: Partial<ProjectViewProps>) {
  return <main class="page">SettingsView is being built.</main>
}
