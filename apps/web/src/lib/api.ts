/** The server's JSON error: `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Array<{ path?: string; message: string }> = [],
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

async function toError(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as {
      error?: { code?: string; message?: string; details?: ApiError['details'] }
    }
    return new ApiError(
      res.status,
      body.error?.code ?? 'error',
      body.error?.message ?? res.statusText,
      body.error?.details ?? [],
    )
  } catch {
    return new ApiError(res.status, 'error', res.statusText || `HTTP ${res.status}`)
  }
}

/** Same-origin JSON calls; the session cookie set at login authenticates them. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (!res.ok) throw await toError(res)
  const text = await res.text()
  return (text ? JSON.parse(text) : undefined) as T
}

/**
 * Uploads a file with progress (fetch cannot report upload progress; XHR can). Resolves with the
 * server's JSON answer, rejects with the ApiError it sent (e.g. "line 5000: ...").
 */
export function upload<T>(
  path: string,
  file: Blob,
  onProgress: (fraction: number) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', path)
    xhr.withCredentials = true
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total)
    }
    xhr.onerror = () => reject(new ApiError(0, 'network', 'the upload failed: network error'))
    xhr.onload = () => {
      const response = new Response(xhr.responseText, { status: xhr.status })
      if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText) as T)
      else void toError(response).then(reject)
    }
    xhr.send(file)
  })
}

export interface User {
  id: string
  username: string
  displayName: string
  isAdmin: boolean
  /** When an administrator disabled the account (in the Users list only); null while enabled. */
  disabledAt?: number | null
}

export interface LabelDefinition {
  id: string
  name: string
  description?: string
}

export interface LabelSchema {
  kind: 'single' | 'multi'
  ordered: boolean
  labels: LabelDefinition[]
}

export interface ProjectSummary {
  id: string
  name: string
  description: string
  labelSchema: LabelSchema
  overlap: number
  blind: boolean
  annotatorsEditBooklet: boolean
  /** Items may show http(s) images from other servers; absent from servers before 0007. */
  allowRemoteMedia?: boolean
  role: 'admin' | 'reviewer' | 'annotator'
  itemCount?: number
  completeCount?: number
  myLabelCount?: number
  [key: string]: unknown
}

export interface Item {
  id: string | number
  externalId: string
  text: string | null
  mediaUrl: string | null
  metadata: Record<string, unknown>
}
