/**
 * Raw RFC 822 / MIME email -> the readable text an annotator sees: the subject, the sender with
 * the address masked, and the plain body (text/plain preferred, HTML reduced to text), with
 * quoted-printable and base64 decoded, whitespace collapsed and the whole cut to a length.
 */

export interface EmailText {
  readonly subject: string
  /** `Name <j…@example.com>`, or the masked address alone. */
  readonly from: string
  readonly body: string
}

export const DEFAULT_MAX_CHARS = 1200

/** The text shown for an email: `Subject:` and `From:` lines, a blank line, the body. */
export function emailToText(raw: string, maxChars: number = DEFAULT_MAX_CHARS): string {
  const { subject, from, body } = parseEmail(raw)
  const head = `Subject: ${subject || '(no subject)'}\nFrom: ${from || '(unknown sender)'}`
  return cutAtWord(body === '' ? head : `${head}\n\n${body}`, maxChars)
}

export function parseEmail(raw: string): EmailText {
  const message = splitPart(raw.replace(/\r\n?/g, '\n'))
  return {
    subject: collapseLine(decodeHeaderWords(message.headers.get('subject') ?? '')),
    from: maskSender(decodeHeaderWords(message.headers.get('from') ?? '')),
    body: collapseWhitespace(bodyText(message)),
  }
}

// ---- MIME ------------------------------------------------------------------------------------

interface Part {
  /** Lower-case header name -> unfolded value of its first occurrence. */
  readonly headers: Map<string, string>
  readonly body: string
}

function splitPart(text: string): Part {
  // A part that starts with a blank line has no headers.
  if (/^[ \t]*\n/.test(text))
    return { headers: new Map(), body: text.slice(text.indexOf('\n') + 1) }
  const end = text.search(/\n[ \t]*\n/)
  const head = end < 0 ? text : text.slice(0, end)
  const body = end < 0 ? '' : text.slice(text.indexOf('\n', end + 1) + 1)
  const headers = new Map<string, string>()
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const m = /^([!-9;-~]+):[ \t]*(.*)$/.exec(line)
    if (!m?.[1]) continue
    const name = m[1].toLowerCase()
    if (!headers.has(name)) headers.set(name, (m[2] ?? '').trim())
  }
  return { headers, body }
}

interface ContentType {
  readonly type: string
  readonly params: Map<string, string>
}

function contentType(part: Part): ContentType {
  const raw = part.headers.get('content-type') ?? 'text/plain'
  const [type = '', ...rest] = raw.split(';')
  const params = new Map<string, string>()
  for (const p of rest) {
    const m = /^\s*([\w.-]+)\s*=\s*(?:"([^"]*)"|([^\s;]*))/.exec(p)
    if (m?.[1]) params.set(m[1].toLowerCase(), m[2] ?? m[3] ?? '')
  }
  return { type: type.trim().toLowerCase() || 'text/plain', params }
}

/** The leaf parts of a message in document order, attachments left out. */
function leaves(part: Part, depth = 0): Part[] {
  const { type, params } = contentType(part)
  const boundary = params.get('boundary')
  if (type.startsWith('multipart/') && boundary && depth < 8) {
    return splitMultipart(part.body, boundary).flatMap((p) => leaves(p, depth + 1))
  }
  if (type === 'message/rfc822' && depth < 8) return leaves(splitPart(part.body), depth + 1)
  if (/^\s*attachment/i.test(part.headers.get('content-disposition') ?? '')) return []
  return [part]
}

function splitMultipart(body: string, boundary: string): Part[] {
  const parts: Part[] = []
  let current: string[] | undefined
  for (const line of body.split('\n')) {
    const trimmed = line.trimEnd()
    if (trimmed === `--${boundary}` || trimmed === `--${boundary}--`) {
      if (current) parts.push(splitPart(current.join('\n')))
      current = []
      if (trimmed.length > boundary.length + 2) return parts
      continue
    }
    current?.push(line)
  }
  // A missing closing boundary: keep what the last part had.
  if (current && current.some((l) => l.trim() !== '')) parts.push(splitPart(current.join('\n')))
  return parts
}

function bodyText(message: Part): string {
  const parts = leaves(message)
  const typed = parts.map((part) => ({ part, type: contentType(part).type }))
  for (const { part, type } of typed) {
    if (type !== 'text/plain') continue
    const text = decodePart(part)
    // Bulk senders often label HTML as text/plain.
    const plain = looksLikeHtml(text) ? htmlToText(text) : text
    if (plain.trim() !== '') return plain
  }
  for (const { part, type } of typed) {
    if (type !== 'text/html') continue
    const text = htmlToText(decodePart(part))
    if (text.trim() !== '') return text
  }
  return ''
}

function looksLikeHtml(text: string): boolean {
  return (
    (text.match(/<\/?(?:html|body|p|br|div|table|td|font|a|b|center|img)\b[^>]*>/gi) ?? [])
      .length >= 3
  )
}

function decodePart(part: Part): string {
  const encoding = (part.headers.get('content-transfer-encoding') ?? '').trim().toLowerCase()
  const charset = contentType(part).params.get('charset')
  if (encoding === 'quoted-printable') return decodeBytes(quotedPrintableBytes(part.body), charset)
  if (encoding === 'base64') {
    return decodeBytes(Buffer.from(part.body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64'), charset)
  }
  return part.body
}

function quotedPrintableBytes(text: string): Uint8Array {
  const soft = text.replace(/=[ \t]*\n/g, '')
  const out: number[] = []
  for (let i = 0; i < soft.length; i++) {
    const c = soft.charCodeAt(i)
    const hex = c === 61 ? soft.slice(i + 1, i + 3) : ''
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16))
      i += 2
    } else if (c < 0x80) {
      out.push(c)
    } else {
      out.push(...new TextEncoder().encode(soft.charAt(i)))
    }
  }
  return Uint8Array.from(out)
}

/** Windows-1252 at 0x80-0x9F (Node's TextDecoder gives the C1 controls of ISO-8859-1 there). */
const CP1252_C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178'

function decodeWith(label: string, bytes: Uint8Array, fatal = false): string {
  const decoder = new TextDecoder(label, { fatal })
  const text = decoder.decode(bytes)
  return decoder.encoding === 'windows-1252'
    ? text.replace(/[\u0080-\u009f]/g, (c) => CP1252_C1.charAt(c.charCodeAt(0) - 0x80))
    : text
}

/**
 * Decodes with the declared charset; labels mangled by quoted-printable headers (`3Dutf-8`) are
 * repaired. Without a usable charset, UTF-8 if the bytes are valid UTF-8, else Windows-1252.
 */
function decodeBytes(bytes: Uint8Array, charset: string | undefined): string {
  const label = (charset ?? '')
    .toLowerCase()
    .replace(/^(?:3d)+/, '')
    .replace(/["']/g, '')
  if (label !== '' && label !== 'us-ascii' && label !== 'default') {
    try {
      return decodeWith(label, bytes)
    } catch {
      // an unknown label: guess below
    }
  }
  try {
    return decodeWith('utf-8', bytes, true)
  } catch {
    return decodeWith('windows-1252', bytes)
  }
}

/** RFC 2047 encoded words (`=?utf-8?Q?Caf=C3=A9?=`); the space between two of them is dropped. */
function decodeHeaderWords(value: string): string {
  return value
    .replace(/(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)/g, '$1')
    .replace(
      /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g,
      (_all, charset: string, enc: string, data: string) => {
        const bytes =
          enc.toLowerCase() === 'b'
            ? Buffer.from(data, 'base64')
            : quotedPrintableBytes(data.replace(/_/g, ' '))
        return decodeBytes(bytes, charset.replace(/\*.*$/, ''))
      },
    )
}

// ---- sender ----------------------------------------------------------------------------------

function maskAddress(address: string): string {
  const at = address.lastIndexOf('@')
  if (at <= 0) return address === '' ? '' : `${address.charAt(0)}…`
  return `${address.charAt(0)}…${address.slice(at)}`
}

/** `"Jane Doe" <jane@example.com>` -> `Jane Doe <j…@example.com>`; also `addr (Name)`, `addr`. */
function maskSender(from: string): string {
  const value = collapseLine(from)
  const angle = /^(.*?)<([^>]*)>/.exec(value)
  let name: string
  let address: string
  if (angle) {
    name = angle[1] ?? ''
    address = (angle[2] ?? '').trim()
  } else {
    const comment = /^(\S+@\S+)\s*\((.*)\)\s*$/.exec(value)
    name = comment?.[2] ?? ''
    address = comment?.[1] ?? value.split(/\s+/)[0] ?? ''
  }
  name = name
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .replace(/\\(.)/g, '$1')
    .trim()
  const masked = maskAddress(address)
  if (name === '' || name === address) return masked
  return masked === '' ? name : `${name} <${masked}>`
}

// ---- HTML ------------------------------------------------------------------------------------

const ENTITIES: Record<string, string> = {
  nbsp: ' ',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  bull: '•',
  middot: '·',
  euro: '€',
  pound: '£',
  cent: '¢',
  yen: '¥',
  deg: '°',
  eacute: 'é',
  egrave: 'è',
  agrave: 'à',
  aacute: 'á',
  ccedil: 'ç',
  ouml: 'ö',
  uuml: 'ü',
  auml: 'ä',
  szlig: 'ß',
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});?/gi, (all, ref: string) => {
    if (ref.startsWith('#')) {
      const code =
        ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10)
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
        ? String.fromCodePoint(code)
        : all
    }
    return ENTITIES[ref.toLowerCase()] ?? all
  })
}

/** Markup reduced to its text: blocks become line breaks, scripts, styles and comments vanish. */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<!--[\s\S]*?(?:-->|$)/g, ' ')
    .replace(/<(script|style|head|title)\b[\s\S]*?(?:<\/\1\s*>|$)/gi, ' ')
    // Line breaks in markup are spaces; only tags break lines.
    .replace(/\s+/g, ' ')
    .replace(/<br\b[^>]*>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n• ')
    .replace(/<\/?(?:p|div|tr|table|h[1-6]|ul|ol|blockquote|center|hr|pre)\b[^>]*>/gi, '\n')
    .replace(/<\/t[dh]\s*>/gi, ' ')
    .replace(/<\/?[a-z!][^>]*>/gi, '')
  return decodeEntities(text.replace(/[ \t]*\n[ \t]*/g, '\n'))
}

// ---- whitespace and length -------------------------------------------------------------------

function collapseLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/** Spaces and tabs collapse to one space per run, lines are trimmed, at most one blank line. */
function collapseWhitespace(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[\s\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

/** Cuts to at most `max` characters, at a word boundary when one is near, ending with '…'. */
export function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text
  const room = text.slice(0, Math.max(1, max - 1))
  const space = room.search(/\s\S*$/)
  const cut = space >= room.length * 0.8 ? room.slice(0, space) : room
  return `${cut.trimEnd()}…`
}
