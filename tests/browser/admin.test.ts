// The admin pages in a real browser against a real server: sign in, create a project with its
// label schema, import items and labels through the file input, manage members and users.
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { Api } from '../helpers/api'
import { artifactPath, browserAvailable, launchBrowser } from '../helpers/browser'
import { startServerProcess, type ServerProcess } from '../helpers/server-process'

const PROJECT = 'admin-ui'
/** Every wait in the page is bounded by this. */
const WAIT_MS = 15_000

interface ProjectBody {
  project: {
    id: string
    name: string
    overlap: number
    itemCount: number
    labelSchema: { kind: string; ordered: boolean; labels: Array<{ id: string; name: string }> }
  }
}

function itemsCsv(from: number, count: number): string {
  const rows = ['id,text,source']
  for (let i = from; i < from + count; i++) rows.push(`i${i},"Review number ${i}, fine",shop`)
  return rows.join('\n') + '\n'
}

describe.skipIf(!browserAvailable)('admin pages in the browser', () => {
  let server: ServerProcess
  let browser: Browser
  let page: Page
  let admin: Api
  /** Uncaught errors in the page; each test ends by checking there were none. */
  const pageErrors: string[] = []

  beforeAll(async () => {
    server = await startServerProcess()
    admin = await Api.login(server.url, 'admin', 'admin-password')
    // A project whose id the form will collide with, and two accounts to add as members.
    await admin.createProject({ id: 'taken', name: 'Taken', labels: ['a', 'b'] })
    await admin.createUser('bob')
    await admin.createUser('alice')
    browser = await launchBrowser()
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    page = await context.newPage()
    page.on('pageerror', (err) => pageErrors.push(err.message))
    page.setDefaultTimeout(WAIT_MS)
    page.setDefaultNavigationTimeout(WAIT_MS)
  }, 180_000)

  afterEach(() => {
    expect(pageErrors).toEqual([])
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  test('sign in through the form', async () => {
    await page.goto(server.url)
    await page.getByLabel('Username').fill('admin')
    await page.getByLabel('Password').fill('admin-password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Projects' }).waitFor()
  })

  test('create a project with three labels; client and server errors show at their fields', async () => {
    await page.getByRole('link', { name: 'New project' }).click()
    await page.getByRole('heading', { name: 'New project', level: 1 }).waitFor()

    // Submitting the empty form shows the browser-side checks next to each field.
    await page.getByRole('button', { name: 'Create project' }).click()
    await page.getByTestId('form-errors').waitFor()
    expect(await page.locator('#f-name-error').textContent()).toContain('a project needs a name')
    expect(await page.locator('#f-labelSchema-labels-1-id-error').textContent()).toContain(
      'each label needs an id',
    )
    // Focus moved to the first field in error.
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('f-name')

    await page.getByLabel('Name', { exact: true }).fill('Review sentiment')
    await page.getByLabel('Description', { exact: true }).fill('Product reviews, three classes.')
    await page.getByLabel('Project id').fill('taken')
    await page.getByLabel('Label 1 name').fill('Positive')
    await page.getByLabel('Label 2 name').fill('Negative')
    await page.getByRole('button', { name: '+ Add label' }).click()
    // The new row's name field has focus; its id follows the name until edited by hand.
    await page.keyboard.type('Mixed')
    expect(await page.getByLabel('Label 3 id').inputValue()).toBe('mixed')
    await page.getByLabel('Label 3 id').fill('mix')
    await page.getByLabel('Label 3 description').fill('Both praise and complaints')
    // Reorder with the keyboard: focus stays on the moved label's button.
    await page.getByRole('button', { name: 'Move label 3 up' }).focus()
    await page.keyboard.press('Enter')
    expect(await page.getByLabel('Label 2 id').inputValue()).toBe('mix')
    expect(
      await page.evaluate<string | null>("document.activeElement?.getAttribute('aria-label')"),
    ).toBe('Move label 2 up')
    await page.getByLabel('Annotators per item').fill('3')

    // The server refuses the id; its error (details path `id`) appears next to that field.
    await page.getByRole('button', { name: 'Create project' }).click()
    await page.locator('#f-id-error').waitFor()
    expect(await page.locator('#f-id-error').textContent()).toContain(
      "a project with id 'taken' exists",
    )
    expect(await page.getByLabel('Project id').getAttribute('aria-invalid')).toBe('true')
    // Scrolled to the top, so the sticky header is drawn at the top of the full-page image.
    await page.evaluate('window.scrollTo(0, 0)')
    await page.screenshot({ path: artifactPath('admin-new-project.png'), fullPage: true })

    await page.getByLabel('Project id').fill(PROJECT)
    await page.getByRole('button', { name: 'Create project' }).click()
    await page.waitForURL(`**/p/${PROJECT}/settings`)
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor()

    const { project } = await admin.request<ProjectBody>('GET', `/api/projects/${PROJECT}`)
    expect(project.name).toBe('Review sentiment')
    expect(project.overlap).toBe(3)
    expect(project.labelSchema).toMatchObject({ kind: 'single', ordered: false })
    expect(project.labelSchema.labels.map((l) => l.id)).toEqual(['positive', 'mix', 'negative'])
  })

  test('import 200 items through the file input', async () => {
    await page.getByTestId('items-file').setInputFiles({
      name: 'items.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(itemsCsv(1, 200)),
    })
    await page.getByRole('button', { name: 'Import items' }).click()
    await page.getByTestId('items-result').filter({ hasText: 'Imported 200 items' }).waitFor()
    await page.getByTestId('item-count').filter({ hasText: '200' }).waitFor()
    const { project } = await admin.request<ProjectBody>('GET', `/api/projects/${PROJECT}`)
    expect(project.itemCount).toBe(200)
  })

  test("a bad row shows the server's line-numbered error and imports nothing", async () => {
    // 50 good new items, then a row with an empty id on line 52 (line 1 is the header).
    const csv = itemsCsv(1000, 50) + ',no id here,shop\n' + itemsCsv(2000, 10).split('\n', 2)[1]
    await page.getByTestId('items-file').setInputFiles({
      name: 'more-items.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    })
    await page.getByRole('button', { name: 'Import items' }).click()
    const error = page.getByTestId('items-error')
    await error.waitFor()
    expect(await error.textContent()).toContain('line 52: the id is empty')
    expect(await error.getAttribute('role')).toBe('alert')
    const { project } = await admin.request<ProjectBody>('GET', `/api/projects/${PROJECT}`)
    expect(project.itemCount).toBe(200)
  })

  test('import labels; a label outside the schema is refused with its line', async () => {
    // alice is not a member: only a global administrator may add her, and only on purpose.
    await page.getByLabel('Add annotators who are not members').check()
    await page.getByTestId('labels-file').setInputFiles({
      name: 'labels.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('item,annotator,label\ni1,alice,positive\ni2,alice,nope\n'),
    })
    await page.getByRole('button', { name: 'Import labels' }).click()
    await page.getByTestId('labels-error').filter({ hasText: 'line 3:' }).waitFor()

    await page.getByTestId('labels-file').setInputFiles({
      name: 'labels.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('item,annotator,label,unsure\ni1,alice,positive,no\ni2,alice,mix,yes\n'),
    })
    await page.getByRole('button', { name: 'Import labels' }).click()
    await page
      .getByTestId('labels-result')
      .filter({ hasText: 'Imported 2 labels from 1 annotator' })
      .waitFor()
    // alice was not a member: the import added her, and the members table shows it.
    await page.locator('[data-testid=member-row][data-username=alice]').waitFor()
  })

  test('add a member with a role, change settings', async () => {
    await page.getByLabel('Username', { exact: true }).fill('bob')
    expect(await page.getByLabel('Role', { exact: true }).inputValue()).toBe('annotator')
    await page.getByLabel('Role', { exact: true }).selectOption('reviewer')
    await page.getByRole('button', { name: 'Add member' }).click()
    const row = page.locator('[data-testid=member-row][data-username=bob]')
    await row.waitFor()
    expect(await row.getByRole('combobox').inputValue()).toBe('reviewer')
    const { members } = await admin.request<{
      members: Array<{ username: string; role: string }>
    }>('GET', `/api/projects/${PROJECT}/members`)
    expect(members.find((m) => m.username === 'bob')?.role).toBe('reviewer')

    await page.getByLabel('Annotators per item').fill('2')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.getByTestId('project-save-status').filter({ hasText: 'Saved.' }).waitFor()
    const { project } = await admin.request<ProjectBody>('GET', `/api/projects/${PROJECT}`)
    expect(project.overlap).toBe(2)

    // Scrolled to the top, so the sticky header is drawn at the top of the full-page image.
    await page.evaluate('window.scrollTo(0, 0)')
    await page.screenshot({ path: artifactPath('admin-settings.png'), fullPage: true })
  })

  test('users page: a short password is refused at its field, then the user is created', async () => {
    await page.goto(`${server.url}/users`)
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor()
    await page.getByLabel('Username').fill('carol')
    await page.getByLabel('Display name').fill('Carol C.')
    await page.getByLabel('Password').fill('short')
    await page.getByRole('button', { name: 'Create user' }).click()
    expect(await page.locator('#f-password-error').textContent()).toContain('at least 8')

    await page.getByLabel('Password').fill('long-enough-password')
    await page.getByRole('button', { name: 'Create user' }).click()
    await page.getByRole('cell', { name: 'Carol C.' }).waitFor()
    const { users } = await admin.request<{ users: Array<{ username: string }> }>(
      'GET',
      '/api/users',
    )
    expect(users.map((u) => u.username)).toContain('carol')
    await page.screenshot({ path: artifactPath('admin-users.png') })
  })

  test('users page: disable, enable, reset a password, sign a user out everywhere', async () => {
    const status = (token: string) =>
      fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } }).then(
        (r) => r.status,
      )
    const login = (password: string) =>
      fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'carol', password }),
      })
    const carol = await Api.login(server.url, 'carol', 'long-enough-password')
    const row = page.getByTestId('user-row').filter({ hasText: 'Carol C.' })
    const outcome = page.getByTestId('account-outcome')

    // My own account cannot be disabled from here.
    const mine = page.getByTestId('user-row').filter({ hasText: 'you' })
    await mine.getByRole('button', { name: 'Reset password' }).waitFor()
    expect(await mine.getByRole('button', { name: 'Disable' }).count()).toBe(0)

    await row.getByRole('button', { name: 'Disable' }).click()
    await outcome.filter({ hasText: 'Disabled carol' }).waitFor()
    expect(await row.getByTestId('user-status').textContent()).toBe('disabled')
    expect(await status(carol.token)).toBe(401)
    expect((await login('long-enough-password')).status).toBe(403)

    await row.getByRole('button', { name: 'Enable' }).click()
    await outcome.filter({ hasText: 'Enabled carol' }).waitFor()
    expect(await row.getByTestId('user-status').textContent()).toBe('Active')
    const again = await Api.login(server.url, 'carol', 'long-enough-password')

    await row.getByRole('button', { name: 'Reset password' }).click()
    const reset = page.getByLabel('New password for carol', { exact: true })
    await reset.fill('password123')
    await page.getByRole('button', { name: 'Set password', exact: true }).click()
    expect(await page.locator('#f-resetPassword-error').textContent()).toContain(
      'one of the most common passwords',
    )
    await reset.fill('carol fresh secret')
    await page.getByRole('button', { name: 'Set password', exact: true }).click()
    await outcome.filter({ hasText: 'Set a new password for carol' }).waitFor()
    expect(await status(again.token)).toBe(401)
    expect((await login('long-enough-password')).status).toBe(401)
    const fresh = await Api.login(server.url, 'carol', 'carol fresh secret')

    await row.getByRole('button', { name: 'Sign out everywhere' }).click()
    await outcome.filter({ hasText: 'Signed carol out everywhere (1 session ended)' }).waitFor()
    expect(await status(fresh.token)).toBe(401)
    await page.screenshot({ path: artifactPath('admin-users-actions.png') })
  })

  test('account page: a signed-in user changes their own password', async () => {
    const other = await Api.login(server.url, 'carol', 'carol fresh secret')
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const own = await context.newPage()
    own.on('pageerror', (err) => pageErrors.push(err.message))
    own.setDefaultTimeout(WAIT_MS)
    try {
      await own.goto(server.url)
      await own.getByLabel('Username').fill('carol')
      await own.getByLabel('Password').fill('carol fresh secret')
      await own.getByRole('button', { name: 'Sign in' }).click()
      await own.getByRole('link', { name: 'Carol C.' }).click()
      await own.getByRole('heading', { name: 'Your account', level: 1 }).waitFor()

      await own.getByLabel('Current password').fill('not my password')
      await own.getByLabel('New password', { exact: true }).fill('carol newest secret')
      await own.getByLabel('New password again').fill('carol newest secret')
      await own.getByRole('button', { name: 'Change password' }).click()
      expect(await own.locator('#f-currentPassword-error').textContent()).toContain(
        'the current password is wrong',
      )

      await own.getByLabel('Current password').fill('carol fresh secret')
      await own.getByRole('button', { name: 'Change password' }).click()
      await own.getByText('Your password is changed.').waitFor()
      // The other session ended; this page's goes on.
      const me = (token: string) =>
        fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })
      expect((await me(other.token)).status).toBe(401)
      await own.getByRole('link', { name: 'Projects' }).first().click()
      await own.getByRole('heading', { name: 'Projects' }).waitFor()
      await Api.login(server.url, 'carol', 'carol newest secret')
    } finally {
      await context.close()
    }
  })
})
