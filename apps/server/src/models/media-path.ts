import { isAbsolute, relative, resolve, sep } from 'node:path'
import { localMediaPathProblem } from '@concord/core'

export type MediaPath =
  { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string }

/**
 * Where an item's media_url points inside the media directory. Concord reads only files the
 * operator put there: it fetches nothing from the network, and a crafted path must not read
 * other files of the server. This is the path's text only: symbolic links are checked against
 * the disk by openMediaFile (media/open-media-file.ts).
 */
export function resolveMediaPath(mediaDir: string, mediaUrl: string): MediaPath {
  const url = mediaUrl.trim()
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    return {
      ok: false,
      reason: `'${url}' is a URL; Concord fetches nothing from the network: put the file under the media directory (${mediaDir}) and give its path relative to it`,
    }
  }
  const problem = localMediaPathProblem(url)
  if (problem !== undefined) return { ok: false, reason: `'${url}': ${problem}` }
  const root = resolve(mediaDir)
  const path = resolve(root, url)
  const rel = relative(root, path)
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    return {
      ok: false,
      reason: `'${url}' is outside the media directory (${mediaDir}); give a path inside it`,
    }
  }
  return { ok: true, path }
}
