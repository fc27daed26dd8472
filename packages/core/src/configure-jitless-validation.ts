import { config } from 'zod'

/**
 * Makes every schema validate without compiling code at run time. zod's fast path builds its
 * parsers with `new Function`, which a Content-Security-Policy without 'unsafe-eval' (the web
 * app's) refuses and reports as a violation; call this once before any schema runs there.
 */
export function configureJitlessValidation(): void {
  config({ jitless: true })
}
