/**
 * An item's media reference, as the import stores it and the web app shows it: either an image
 * on another server (an http or https URL) or a path relative to the server's media directory.
 * The item parsers already refuse every other scheme (see item-rows.ts).
 */
export type MediaReference =
  | { readonly kind: 'remote'; readonly url: string }
  | { readonly kind: 'local'; readonly path: string }

const REMOTE = /^https?:\/\//i
/** Percent-encoded '/', '\', '.' and NUL: a path that decodes into something else is refused. */
const ENCODED = /%(2f|5c|2e|00)/i

export function mediaReference(raw: string): MediaReference {
  const url = raw.trim()
  return REMOTE.test(url) ? { kind: 'remote', url } : { kind: 'local', path: url }
}

/** True for an image on another server: showing it tells that server who looks at which item. */
export function isRemoteMedia(raw: string): boolean {
  return mediaReference(raw).kind === 'remote'
}

/**
 * Why a path cannot name a file inside the media directory, or undefined when it can (as far
 * as its text tells: symbolic links are the server's to check against the disk). Paths use '/'
 * and stay below the directory: no absolute path, drive letter, backslash, '..' segment, NUL,
 * or percent-encoded separator.
 */
export function localMediaPathProblem(path: string): string | undefined {
  if (path === '') return 'the media path is empty'
  if (path.includes('\0')) return 'the media path contains a NUL character'
  if (path.includes('\\')) return "the media path contains '\\'; separate folders with '/'"
  if (ENCODED.test(path)) {
    return 'the media path contains a percent-encoded separator, dot or NUL; write it plainly'
  }
  if (path.startsWith('/') || /^[a-z]:/i.test(path)) {
    return 'an absolute media path is outside the media directory; give it relative to it'
  }
  if (path.split('/').includes('..')) {
    return "a media path with '..' leads outside the media directory; give a path inside it"
  }
  return undefined
}
