import { constants } from 'node:fs'
import { open, realpath, type FileHandle } from 'node:fs/promises'
import { isAbsolute, relative, sep } from 'node:path'
import { IMAGE_SIGNATURE_BYTES, imageTypeOf, type ImageType } from '@concord/core'
import { resolveMediaPath } from '../models/media-path'

/** An open media file, ready to stream; the caller closes `handle`. */
export interface MediaFile {
  readonly handle: FileHandle
  readonly size: number
  readonly mtimeMs: number
  /** From the file's first bytes; undefined when it is not an image Concord serves inline. */
  readonly type: ImageType | undefined
}

export type OpenedMedia =
  { readonly ok: true; readonly file: MediaFile } | { readonly ok: false; readonly reason: string }

function inside(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code
}

/** Errors that mean "this path names no file Concord may read": refused, not a server fault. */
const UNAVAILABLE = new Set(['ENOENT', 'ENOTDIR', 'EACCES', 'ELOOP', 'ENAMETOOLONG'])

/**
 * The real path (symbolic links resolved) of the file an item's media path names, or why it may
 * not be read: the path's text is checked first (resolveMediaPath), then the real path must
 * still be inside the media directory's real path, so that a link placed in the directory
 * cannot hand out /etc/passwd. For readers that cannot hold a file handle (the image encoder's
 * worker reads by path).
 */
export async function realMediaPath(
  mediaDir: string,
  mediaUrl: string,
): Promise<
  { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string }
> {
  const resolved = resolveMediaPath(mediaDir, mediaUrl)
  if (!resolved.ok) return resolved
  let root: string
  let real: string
  try {
    root = await realpath(mediaDir)
    real = await realpath(resolved.path)
  } catch (err) {
    const code = errno(err)
    if (code !== undefined && UNAVAILABLE.has(code)) {
      return { ok: false, reason: `cannot read '${mediaUrl}' in the media directory (${code})` }
    }
    throw err
  }
  if (!inside(root, real)) {
    return { ok: false, reason: `'${mediaUrl}' leads outside the media directory` }
  }
  return { ok: true, path: real }
}

/**
 * Opens the file an item's media path names inside `mediaDir`, or says why not (realMediaPath).
 * The file is opened with O_NOFOLLOW, so a link swapped in after
 * the check is refused rather than followed.
 */
export async function openMediaFile(mediaDir: string, mediaUrl: string): Promise<OpenedMedia> {
  const located = await realMediaPath(mediaDir, mediaUrl)
  if (!located.ok) return located
  const real = located.path
  let handle: FileHandle
  try {
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW)
  } catch (err) {
    const code = errno(err)
    if (code !== undefined && UNAVAILABLE.has(code)) {
      return { ok: false, reason: `cannot open '${mediaUrl}' (${code}); did it change meanwhile?` }
    }
    throw err
  }
  try {
    const stat = await handle.stat()
    if (!stat.isFile()) {
      await handle.close()
      return { ok: false, reason: `'${mediaUrl}' is not a file` }
    }
    const head = new Uint8Array(IMAGE_SIGNATURE_BYTES)
    const { bytesRead } = await handle.read(head, 0, head.length, 0)
    return {
      ok: true,
      file: {
        handle,
        size: stat.size,
        mtimeMs: stat.mtimeMs,
        type: imageTypeOf(head.subarray(0, bytesRead)),
      },
    }
  } catch (err) {
    await handle.close()
    throw err
  }
}
