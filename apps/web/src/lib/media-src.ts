/**
 * The `src` of an item's image. A path in the server's media directory is served by
 * GET /api/projects/:id/items/:itemId/media to members (the session cookie goes with a
 * same-origin image request). An http(s) URL is shown as it is only when the project allows
 * remote media: loading it tells that server who looks at which item. Anything else, nothing.
 */
export function mediaSrc(
  project: { readonly id: string; readonly allowRemoteMedia?: boolean },
  item: { readonly id: string | number; readonly mediaUrl: string | null },
): string | undefined {
  const url = item.mediaUrl?.trim()
  if (!url) return undefined
  if (/^https?:\/\//i.test(url)) return project.allowRemoteMedia === true ? url : undefined
  return `/api/projects/${encodeURIComponent(project.id)}/items/${encodeURIComponent(String(item.id))}/media`
}
