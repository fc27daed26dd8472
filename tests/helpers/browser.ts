import { existsSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts')

/**
 * Browser tests need Debian's chromium. Locally they are skipped with a reason when it is
 * missing; under CI=true a missing browser is an error, never a silent skip.
 */
export const browserAvailable: boolean = (() => {
  if (existsSync(CHROMIUM_PATH)) return true
  if (process.env.CI === 'true') {
    throw new Error(
      `CI=true but Chromium is missing at ${CHROMIUM_PATH}: .ci/run installs Debian's chromium`,
    )
  }
  console.warn(
    `Browser tests skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`,
  )
  return false
})()

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  })
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true })
  return join(ARTIFACTS, name)
}

/** Signs in through the real form, as a person would (keyboard only). */
export async function signIn(
  page: Page,
  baseUrl: string,
  username: string,
  password: string,
): Promise<void> {
  await page.goto(baseUrl + '/')
  await page.locator('#username').fill(username)
  await page.locator('#password').fill(password)
  await page.keyboard.press('Enter')
  await page.getByRole('heading', { name: 'Projects' }).waitFor({ timeout: 10_000 })
}

export interface SignedInPage {
  readonly page: Page
  /** Closes the page's context and the browser. */
  close(): Promise<void>
}

/** A fresh browser with one page, signed in through the form (see signIn). */
export async function openSignedIn(
  baseUrl: string,
  username: string,
  password: string,
  viewport: { width: number; height: number },
): Promise<SignedInPage> {
  const browser = await launchBrowser()
  const context = await browser.newContext({ viewport })
  const page = await context.newPage()
  const close = async (): Promise<void> => {
    await context.close().catch(() => undefined)
    await browser.close()
  }
  try {
    await signIn(page, baseUrl, username, password)
  } catch (err) {
    await close()
    throw err
  }
  return { page, close }
}
