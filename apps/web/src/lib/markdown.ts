import DOMPurify from 'dompurify'
import { Marked } from 'marked'
import '../views/booklet/markdown.css'

/**
 * Booklet Markdown to HTML that is safe to put in `innerHTML`. A booklet is written by many
 * people (and any peer with write access may put any text in the document), so nothing in it may
 * ever run: marked turns Markdown into HTML, then DOMPurify keeps only inert HTML (no script,
 * no event handler attribute, no javascript:/data: link, no style, no form or frame).
 * Every link gets rel="noopener noreferrer"; links to another site open in a new tab.
 *
 * Put the HTML in an element with class "md" (views/booklet/markdown.css, loaded with this module).
 */
const marked = new Marked({ gfm: true, breaks: false, async: false })

const FORBID_TAGS = [
  'style',
  'form',
  'input',
  'button',
  'textarea',
  'select',
  'option',
  'iframe',
  'frame',
  'object',
  'embed',
  'base',
  'link',
  'meta',
]
const FORBID_ATTR = ['style', 'id', 'name', 'srcset', 'formaction', 'action']

let hooked = false
function installHooks(): void {
  if (hooked) return
  hooked = true
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      node.setAttribute('rel', 'noopener noreferrer')
      const href = node.getAttribute('href') ?? ''
      if (/^[a-z][a-z0-9+.-]*:/i.test(href) && !href.startsWith(window.location.origin + '/')) {
        node.setAttribute('target', '_blank')
      } else {
        node.removeAttribute('target')
      }
    }
    if (node.tagName === 'IMG') {
      node.setAttribute('loading', 'lazy')
      node.setAttribute('referrerpolicy', 'no-referrer')
    }
  })
}

/** Renders booklet Markdown to sanitised HTML (a string for `innerHTML`). */
export function renderMarkdown(text: string): string {
  installHooks()
  if (text.trim() === '') return ''
  const html = marked.parse(text) as string
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS,
    FORBID_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOW_UNKNOWN_PROTOCOLS: false,
  })
}
