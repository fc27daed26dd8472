// The booklet view in headless Chromium against a real server: live co-editing of one section,
// inert hostile Markdown, read-only members, and a screenshot for the record.
import { parseBookletMarkdown, readBookletFromDoc, writeBookletToDoc } from '@concord/core'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { Api } from '../helpers/api'
import {
  artifactPath,
  browserAvailable,
  launchBrowser,
  signIn as signInForm,
} from '../helpers/browser'
import { connectProvider, waitFor, waitSynced } from '../helpers/clients'
import { startServerProcess, type ServerProcess } from '../helpers/server-process'

const DEMO_BOOKLET = resolve(import.meta.dirname, '../../booklet/demo.md')
const PASSWORD = 'password-123'

/** What a hostile booklet would have set; undefined as long as nothing of it ran. */
function xss(page: Page): Promise<unknown> {
  return page.evaluate('window.__xss')
}

const XSS_DEFINITION = [
  'A label whose definition tries everything.',
  '',
  '<img src=x onerror="window.__xss=1">',
  '',
  '<script>window.__xss=2</script>',
  '',
  '[x](javascript:window.__xss=3)',
  '',
  '<a href="javascript:window.__xss=4">y</a> <svg onload="window.__xss=5"></svg>',
  '<iframe src="javascript:window.__xss=6"></iframe>',
].join('\n')

describe.skipIf(!browserAvailable)('booklet view', () => {
  let server: ServerProcess
  let admin: Api
  let browser: Browser
  const contexts: BrowserContext[] = []
  const providers: WebsocketProvider[] = []

  /** Writes a whole booklet into an empty booklet room, as an official y-websocket client. */
  async function seedBooklet(project: string, fill: (doc: Y.Doc) => void): Promise<void> {
    const doc = new Y.Doc()
    const provider = connectProvider(server.wsUrl, `booklet/${project}`, admin.token, doc)
    providers.push(provider)
    await waitSynced(provider)
    fill(doc)
    // The server acknowledges what it stored: a fresh client must see it.
    const check = new Y.Doc()
    const reader = connectProvider(server.wsUrl, `booklet/${project}`, admin.token, check)
    providers.push(reader)
    await waitFor(async () => {
      await waitSynced(reader)
      return readBookletFromDoc(check).labels.length > 0
    }, `booklet/${project} stored`)
    provider.destroy()
    reader.destroy()
  }

  /** A fresh browser context signed in as `username` through the sign-in form. */
  async function signIn(username: string, password: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    contexts.push(context)
    const page = await context.newPage()
    page.setDefaultTimeout(10_000)
    await signInForm(page, server.url, username, password)
    return page
  }

  async function openBooklet(page: Page, project: string): Promise<void> {
    await page.goto(`${server.url}/p/${project}/booklet`)
    await page.waitForSelector('[data-testid=connection-status][data-status=connected]')
    await page.waitForSelector('.bk-doc[aria-busy=false]')
  }

  beforeAll(async () => {
    server = await startServerProcess()
    admin = await Api.login(server.url, 'admin', 'admin-password')
    const reviewer = await admin.createUser('rita', PASSWORD)
    const annotator = await admin.createUser('ana', PASSWORD)
    for (const [id, labels] of [
      ['triage', ['spam', 'marketing', 'personal']],
      ['collab', ['spam', 'ham']],
      ['hostile', ['spam', 'ham']],
    ] as const) {
      await admin.createProject({
        id,
        name: id === 'triage' ? 'Email triage' : id,
        labels: [...labels],
      })
      await admin.addMember(id, reviewer.id, 'reviewer')
      await admin.addMember(id, annotator.id, 'annotator')
    }
    const demo = parseBookletMarkdown(readFileSync(DEMO_BOOKLET, 'utf8'))
    await seedBooklet('triage', (doc) =>
      writeBookletToDoc(doc, demo, { addedAt: Date.UTC(2024, 4, 21) }),
    )
    await seedBooklet('collab', (doc) =>
      writeBookletToDoc(doc, {
        title: 'Collab',
        intro: '',
        labels: [
          {
            id: 'spam',
            name: 'Spam',
            definition: 'Unsolicited bulk mail.',
            includes: '',
            excludes: '',
          },
          { id: 'ham', name: 'Ham', definition: 'Everything else.', includes: '', excludes: '' },
        ],
        examples: [],
        discussions: [],
      }),
    )
    await seedBooklet('hostile', (doc) =>
      writeBookletToDoc(doc, {
        title: 'Hostile <script>window.__xss=7</script>',
        intro: '<img src=x onerror="window.__xss=8"> intro',
        labels: [
          {
            id: 'spam',
            name: 'Spam',
            definition: XSS_DEFINITION,
            includes: '- <b onmouseover="window.__xss=9">hover</b>',
            excludes: '',
          },
        ],
        examples: [
          {
            itemId: 'e1',
            label: 'spam',
            rationale: '<script>window.__xss=10</script>\n\n[z](javascript:window.__xss=11)',
          },
        ],
        discussions: [
          {
            date: '2024-05-01',
            title: 'Minutes',
            body: '<details open ontoggle="window.__xss=12">d</details>',
          },
        ],
      }),
    )
    browser = await launchBrowser()
  }, 90_000)

  afterAll(async () => {
    for (const p of providers) p.destroy()
    for (const c of contexts) await c.close().catch(() => undefined)
    await browser?.close().catch(() => undefined)
    await server?.stop()
  })

  it('merges two editors typing into the same section at once, within a second, and keeps it across a reload', async () => {
    const [page1, page2] = await Promise.all([
      signIn('admin', 'admin-password'),
      signIn('rita', PASSWORD),
    ])
    await Promise.all([openBooklet(page1, 'collab'), openBooklet(page2, 'collab')])

    const editor = '[data-testid=label-section-spam] [data-testid=definition-editor]'
    for (const page of [page1, page2]) {
      await page.click('[data-testid=label-section-spam] [data-testid=edit-toggle]')
      await page.waitForSelector(`${editor}:focus`)
      expect(await page.inputValue(editor)).toBe('Unsolicited bulk mail.')
    }

    const one = ' Typed by the admin.'
    const two = ' Rita adds this.'
    await Promise.all([
      page1.keyboard.type(one, { delay: 15 }),
      page2.keyboard.type(two, { delay: 15 }),
    ])
    const typedAt = Date.now()
    const merged = async (): Promise<boolean> => {
      const [a, b] = await Promise.all([page1.inputValue(editor), page2.inputValue(editor)])
      return a === b && a.includes(one) && a.includes(two)
    }
    await waitFor(merged, 'both editors show the merged text', 5_000)
    const elapsed = Date.now() - typedAt
    expect(elapsed).toBeLessThan(1_000)

    // Each person's words stay together, after the text that was there.
    const text = await page1.inputValue(editor)
    expect(text.startsWith('Unsolicited bulk mail.')).toBe(true)
    expect(text.length).toBe('Unsolicited bulk mail.'.length + one.length + two.length)

    // The caret of each editor is still right after what that editor typed.
    for (const [page, typed] of [
      [page1, one],
      [page2, two],
    ] as const) {
      const caret = await page.evaluate<number>(
        `document.querySelector(${JSON.stringify(editor)}).selectionStart`,
      )
      expect(text.slice(0, caret).endsWith(typed)).toBe(true)
    }

    // A remote edit before the local caret carries the caret along; one after it leaves it be.
    const caretOf = (page: Page): Promise<[number, number]> =>
      page.evaluate<[number, number]>(
        `(() => { const t = document.querySelector(${JSON.stringify(editor)}); return [t.selectionStart, t.selectionEnd] })()`,
      )
    await page1.evaluate(
      `document.querySelector(${JSON.stringify(editor)}).setSelectionRange(12, 16)`, // "bulk"
    )
    await page2.keyboard.press('Control+Home')
    await page2.keyboard.type('» ')
    await waitFor(async () => (await page1.inputValue(editor)).startsWith('» '), 'remote edit seen')
    expect(await caretOf(page1)).toEqual([14, 18])
    await page2.keyboard.press('Control+End')
    await page2.keyboard.type(' «')
    await waitFor(async () => (await page1.inputValue(editor)).endsWith(' «'), 'remote edit seen')
    expect(await caretOf(page1)).toEqual([14, 18])
    await page1.keyboard.type('BULK') // replaces the selected word, exactly there
    const edited = `» ${text.slice(0, 12)}BULK${text.slice(16)} «`
    await waitFor(
      async () => (await page2.inputValue(editor)) === edited,
      'local edit seen remotely',
    )

    // A reload shows it (rendered, the section no longer in edit mode) ...
    await page2.reload()
    await page2.waitForSelector('[data-testid=connection-status][data-status=connected]')
    const rendered = page2.locator('[data-testid=label-section-spam] .bk-definition')
    await rendered.waitFor()
    expect(await rendered.innerText()).toBe(edited)
    // ... and so does the server, to a client that never saw the page.
    const doc = new Y.Doc()
    const reader = connectProvider(server.wsUrl, 'booklet/collab', admin.token, doc)
    providers.push(reader)
    await waitSynced(reader)
    expect(readBookletFromDoc(doc).labels.find((l) => l.id === 'spam')?.definition).toBe(edited)
  }, 60_000)

  it('renders a hostile booklet inert: no script runs, no handler or javascript: link survives', async () => {
    const page = await signIn('rita', PASSWORD)
    const dialogs: string[] = []
    page.on('dialog', (d) => {
      dialogs.push(d.message())
      void d.dismiss()
    })
    await openBooklet(page, 'hostile')
    const section = page.locator('[data-testid=label-section-spam]')
    await section.locator('.bk-definition').waitFor()
    expect(await section.locator('.bk-definition').innerText()).toContain(
      'A label whose definition tries everything.',
    )
    // Give a would-be onerror (the image src "x" fails to load) time to fire.
    await page.waitForLoadState('networkidle').catch(() => undefined)
    await page.waitForTimeout(300)
    expect(await xss(page)).toBeUndefined()

    // (Page code as a string: this package type-checks without the DOM library.)
    const dom = await page.evaluate<{
      scripts: number
      handlers: string[]
      javascriptLinks: number
      images: number
      html: string
    }>(`(() => {
      const doc = document.querySelector('.bk-doc')
      const all = [...doc.querySelectorAll('*')]
      return {
        scripts: doc.querySelectorAll('script, iframe, svg').length,
        handlers: all.flatMap((el) =>
          [...el.attributes].filter((a) => a.name.startsWith('on')).map((a) => el.tagName + ' ' + a.name),
        ),
        javascriptLinks: all.filter((el) =>
          /^\\s*javascript:/i.test(el.getAttribute('href') ?? el.getAttribute('src') ?? ''),
        ).length,
        images: doc.querySelectorAll('img').length,
        html: doc.innerHTML,
      }
    })()`)
    expect(dom.scripts).toBe(0)
    expect(dom.handlers).toEqual([])
    expect(dom.javascriptLinks).toBe(0)
    expect(dom.html).not.toMatch(/onerror|onload|ontoggle|onmouseover|<script/i)
    expect(dom.images).toBeGreaterThan(0) // the image is kept, only its handler is gone

    // Clicking the links that were javascript: URLs, and hovering the bold text, runs nothing.
    await section.getByText('x', { exact: true }).click()
    await section.getByText('y', { exact: true }).click()
    await section.getByText('hover', { exact: true }).hover()
    await page.locator('[data-testid=example]').getByText('z', { exact: true }).click()
    await page.waitForTimeout(300)
    expect(page.url()).toContain('/p/hostile/booklet')
    expect(await xss(page)).toBeUndefined()

    // The editor shows the same text as plain characters; opening it runs nothing either.
    await section.locator('[data-testid=edit-toggle]').click()
    const editor = section.locator('[data-testid=definition-editor]')
    expect(await editor.inputValue()).toBe(XSS_DEFINITION)
    await section.locator('[data-testid=edit-toggle]').click()
    await page.waitForTimeout(200)
    expect(await xss(page)).toBeUndefined()
    expect(dialogs).toEqual([])
  }, 60_000)

  it('shows read-only members the rendered booklet without edit affordances', async () => {
    const page = await signIn('ana', PASSWORD)
    await openBooklet(page, 'triage')
    await page.locator('[data-testid=label-section-spam] .bk-definition').waitFor()
    expect(
      await page.locator('[data-testid=edit-toggle], .bk-edit-toggle, .bk-add, textarea').count(),
    ).toBe(0)
    expect(await page.locator('.bk-summary').innerText()).toContain('read only')
  }, 60_000)

  it('saves a screenshot of the booklet at 1280x800, loaded without layout shifts', async () => {
    const page = await signIn('rita', PASSWORD)
    // Cumulative layout shift of the load (Chromium's layout-shift entries, as in Web Vitals).
    await page.addInitScript(`
      window.__cls = 0
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value
      }).observe({ type: 'layout-shift', buffered: true })
    `)
    await openBooklet(page, 'triage')
    await page.locator('[data-testid=label-section-spam] .bk-definition').waitFor()
    await page.evaluate('document.fonts.ready')
    await page.waitForTimeout(500)
    const cls = await page.evaluate<number>('window.__cls')
    expect(cls).toBeLessThan(0.1)
    await page.screenshot({ path: artifactPath('booklet.png') })
    await page.screenshot({ path: artifactPath('booklet-full.png'), fullPage: true })

    // The same page with a section open in its editor.
    await page.click('[data-testid=label-section-spam] [data-testid=edit-toggle]')
    await page.waitForSelector('[data-testid=definition-editor]:focus')
    await page.locator('[data-testid=label-section-spam]').scrollIntoViewIfNeeded()
    await page.screenshot({ path: artifactPath('booklet-editing.png') })
  }, 60_000)
})

/**
 * The web app's booklet helpers (lib/ytext-binding, lib/markdown, lib/booklet-labels), bundled
 * on the fly by Vite into one script and run in a blank Chromium page: they need a real DOM.
 */
const WEB_ROOT = resolve(import.meta.dirname, '../../apps/web')
const HELPERS_ENTRY = `
export * as Y from 'yjs'
export { bindTextarea, diffText, transformPosition } from '${WEB_ROOT}/src/lib/ytext-binding.ts'
export { makeLabelDefinitions } from '${WEB_ROOT}/src/lib/booklet-labels.ts'
export { renderMarkdown } from '${WEB_ROOT}/src/lib/markdown.ts'
`

async function bundleHelpers(): Promise<string> {
  const { build } = await import('vite')
  const result = await build({
    root: WEB_ROOT,
    configFile: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [
      {
        name: 'booklet-helpers-entry',
        enforce: 'pre',
        resolveId: (id) => (id.endsWith('virtual:helpers') ? '\0helpers' : undefined),
        load: (id) => (id === '\0helpers' ? HELPERS_ENTRY : undefined),
      },
    ],
    build: {
      write: false,
      minify: false,
      target: 'es2022',
      lib: { entry: 'virtual:helpers', formats: ['iife'], name: 'helpers' },
    },
  })
  const outputs = Array.isArray(result) ? result : [result]
  for (const out of outputs) {
    if ('output' in out) {
      const chunk = out.output.find((o) => o.type === 'chunk')
      if (chunk && chunk.type === 'chunk') return chunk.code
    }
  }
  throw new Error('vite produced no bundle for the booklet helpers')
}

describe.skipIf(!browserAvailable)('booklet helpers in Chromium', () => {
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    const code = await bundleHelpers()
    browser = await launchBrowser()
    page = await browser.newPage()
    page.setDefaultTimeout(10_000)
    await page.setContent('<textarea id="t" style="width:40em;height:10em"></textarea>')
    await page.addScriptTag({ content: code })
    // A seeded random source for the property checks below (mulberry32).
    await page.addScriptTag({
      content: `window.rng = (seed) => () => {
        seed |= 0; seed = (seed + 0x6d2b79f5) | 0
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296
      }`,
    })
  }, 60_000)

  afterAll(async () => {
    await browser?.close().catch(() => undefined)
  })

  it('diffText finds an edit that turns the old text into the new one, at the caret', async () => {
    const failures = await page.evaluate<string[]>(`(() => {
      const { diffText } = window.helpers
      const random = window.rng(1)
      const alphabet = ['a', 'b', ' ', '\\n', '😀', 'é']
      const word = (n) => Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('')
      const failures = []
      for (let run = 0; run < 3000 && failures.length < 5; run++) {
        const before = word(Math.floor(random() * 12))
        // An edit at a character boundary, as a textarea makes it.
        const chars = Array.from(before)
        const at = Math.floor(random() * (chars.length + 1))
        const removed = Math.floor(random() * (chars.length - at + 1))
        const inserted = random() < 0.7 ? word(Math.floor(random() * 4)) : ''
        const head = chars.slice(0, at).join('')
        const after = head + inserted + chars.slice(at + removed).join('')
        const caret = head.length + inserted.length
        const edit = diffText(before, after, caret)
        const applied = edit === null ? before : before.slice(0, edit.index) + edit.insert + before.slice(edit.index + edit.remove)
        const splits = (s, i) => i > 0 && i < s.length && /[\\ud800-\\udbff]/.test(s[i - 1])
        if (applied !== after) failures.push('wrong result: ' + JSON.stringify({ before, after, caret, edit }))
        else if (edit && (splits(before, edit.index) || splits(before, edit.index + edit.remove)))
          failures.push('split an emoji: ' + JSON.stringify({ before, after, edit }))
        else if (edit && edit.remove + edit.insert.length > removed * 2 + inserted.length * 2 + 4)
          failures.push('edit larger than needed: ' + JSON.stringify({ before, after, edit }))
      }
      // The caret settles ambiguity: typing "a" after the first "a" of "aa" inserts at 1.
      const typed = diffText('aa', 'aaa', 2)
      if (typed.index !== 1) failures.push('ambiguous insert at ' + typed.index)
      return failures
    })()`)
    expect(failures).toEqual([])
  })

  it('transformPosition moves a caret through a remote change like a Yjs relative position', async () => {
    const failures = await page.evaluate<string[]>(`(() => {
      const { Y, transformPosition } = window.helpers
      const random = window.rng(7)
      const failures = []
      for (let run = 0; run < 1500 && failures.length < 5; run++) {
        const local = new Y.Doc()
        const remote = new Y.Doc()
        const text = local.getText('t')
        text.insert(0, 'abcdefghij'.slice(0, Math.floor(random() * 11)))
        Y.applyUpdate(remote, Y.encodeStateAsUpdate(local))
        const caret = Math.floor(random() * (text.length + 1))
        // The caret stays before text inserted exactly at it: a relative position bound left.
        const anchor = Y.createRelativePositionFromTypeIndex(text, caret, -1)
        const other = remote.getText('t')
        remote.transact(() => {
          for (let op = 0, n = 1 + Math.floor(random() * 3); op < n; op++) {
            const at = Math.floor(random() * (other.length + 1))
            if (random() < 0.5 && at < other.length) other.delete(at, 1 + Math.floor(random() * (other.length - at)))
            else other.insert(at, 'XYZ'.slice(0, 1 + Math.floor(random() * 3)))
          }
        })
        let delta = null
        text.observe((e) => { delta = e.delta })
        Y.applyUpdate(local, Y.encodeStateAsUpdate(remote))
        if (delta === null) continue
        const want = Y.createAbsolutePositionFromRelativePosition(anchor, local).index
        const got = transformPosition(caret, delta)
        if (got !== want) failures.push(JSON.stringify({ caret, delta, want, got }))
      }
      return failures
    })()`)
    expect(failures).toEqual([])
  })

  it('bindTextarea: typing reaches the Y.Text, remote edits reach the textarea, undo is local', async () => {
    await page.evaluate(`(() => {
      const { Y, bindTextarea } = window.helpers
      const local = new Y.Doc()
      const remote = new Y.Doc()
      local.on('update', (u, origin) => { if (origin !== 'remote') Y.applyUpdate(remote, u, 'local') })
      remote.on('update', (u, origin) => { if (origin !== 'local') Y.applyUpdate(local, u, 'remote') })
      remote.getText('t').insert(0, 'Hello world')
      const textarea = document.getElementById('t')
      window.binding = { local, remote, dispose: bindTextarea(textarea, local.getText('t')) }
      textarea.focus()
      textarea.setSelectionRange(5, 5)
    })()`)
    const state = () =>
      page.evaluate<{ value: string; remote: string; caret: number }>(`(() => {
        const t = document.getElementById('t')
        return { value: t.value, remote: window.binding.remote.getText('t').toString(), caret: t.selectionStart }
      })()`)
    await page.keyboard.type(', dear')
    expect(await state()).toEqual({
      value: 'Hello, dear world',
      remote: 'Hello, dear world',
      caret: 11,
    })
    await page.evaluate(`window.binding.remote.getText('t').insert(0, '>> ')`)
    await page.evaluate(`window.binding.remote.getText('t').insert(20, '!')`)
    expect(await state()).toEqual({
      value: '>> Hello, dear world!',
      remote: '>> Hello, dear world!',
      caret: 14,
    })
    // Undo takes back this editor's typing only; the other person's edits stay.
    await page.keyboard.press('Control+Z')
    expect((await state()).remote).toBe('>> Hello world!')
    await page.keyboard.press('Control+Shift+Z')
    expect((await state()).remote).toBe('>> Hello, dear world!')
    // Once disposed, the textarea no longer follows.
    await page.evaluate(
      `window.binding.dispose(); window.binding.remote.getText('t').insert(0, 'x')`,
    )
    expect((await state()).value).toBe('>> Hello, dear world!')
  })

  it('renderMarkdown keeps Markdown and drops everything that could run or restyle the app', async () => {
    const html = await page.evaluate<Record<string, string>>(`(() => {
      const { renderMarkdown } = window.helpers
      return {
        basic: renderMarkdown('**bold** and \`code\`\\n\\n- one\\n- two'),
        links: renderMarkdown('[in](/p/x/annotate?item=1) [out](https://example.org) [js](javascript:alert(1)) [data](data:text/html,x)'),
        html: renderMarkdown('<img src="a.png" onerror="x()"><div style="position:fixed" onclick="x()">d</div><form action="/x"><input></form><style>body{}</style><iframe src="/"></iframe><object data="x"></object><a href="vbscript:x">v</a>'),
        svg: renderMarkdown('<svg><script>x()</script><a xlink:href="javascript:x()">s</a></svg><math><mi xlink:href="javascript:x()">m</mi></math>'),
        empty: renderMarkdown('  \\n '),
      }
    })()`)
    expect(html.basic).toContain('<strong>bold</strong>')
    expect(html.basic).toContain('<code>code</code>')
    expect(html.basic).toContain('<li>one</li>')
    expect(html.links).toContain('<a href="/p/x/annotate?item=1" rel="noopener noreferrer">in</a>')
    expect(html.links).toContain(
      '<a href="https://example.org" rel="noopener noreferrer" target="_blank">out</a>',
    )
    expect(html.links).not.toMatch(/javascript:|data:/)
    expect(html.html).toContain('<img src="a.png"')
    expect(html.html).not.toMatch(/onerror|onclick|style|<form|<input|<iframe|<object|vbscript/i)
    expect(html.svg).not.toMatch(/<svg|<script|<math|javascript:/i)
    expect(html.empty).toBe('')
  })

  it('makeLabelDefinitions keeps rendered definitions live and renders only what changed', async () => {
    const result = await page.evaluate<{
      first: string[]
      spam: { name: string; definitionHtml: string; includesHtml: string; version: number }
      changes: number
      hamKept: boolean
      spamRerendered: boolean
      afterDelete: string[]
      afterDispose: number
    }>(`(() => {
      const { Y, makeLabelDefinitions } = window.helpers
      const doc = new Y.Doc()
      const labels = doc.getMap('labels')
      const entry = (name, definition, version) => {
        const m = new Y.Map()
        m.set('name', name)
        m.set('definition', new Y.Text(definition))
        m.set('includes', new Y.Text('- <b onclick="x()">bulk</b>'))
        m.set('excludes', new Y.Text(''))
        m.set('version', version)
        m.set('order', 0)
        return m
      }
      labels.set('spam', entry('Spam', 'Unsolicited *bulk* <script>x()</script>', 2))
      labels.set('ham', entry('Ham', 'Everything else', 1))
      let changes = 0
      const defs = makeLabelDefinitions(doc, () => changes++)
      const first = [...defs.current().keys()].sort()
      const spam = defs.current().get('spam')
      const ham = defs.current().get('ham')
      labels.get('spam').get('definition').insert(0, 'Really ')
      const spamRerendered = defs.current().get('spam') !== spam && defs.current().get('spam').definitionHtml.includes('Really')
      const hamKept = defs.current().get('ham') === ham
      labels.delete('ham')
      const afterDelete = [...defs.current().keys()]
      defs.dispose()
      const before = changes
      labels.get('spam').set('version', 3)
      return { first, spam, changes: before, hamKept, spamRerendered, afterDelete, afterDispose: changes - before }
    })()`)
    expect(result.first).toEqual(['ham', 'spam'])
    expect(result.spam.name).toBe('Spam')
    expect(result.spam.version).toBe(2)
    expect(result.spam.definitionHtml).toBe('<p>Unsolicited <em>bulk</em> </p>\n')
    expect(result.spam.includesHtml).toBe('<ul>\n<li><b>bulk</b></li>\n</ul>\n')
    expect(result.spamRerendered).toBe(true)
    expect(result.hamKept).toBe(true)
    expect(result.changes).toBe(2)
    expect(result.afterDelete).toEqual(['spam'])
    expect(result.afterDispose).toBe(0)
  })
})
