import type { AuthUser } from '../auth/sessions'

/** What middleware puts on the Hono context for the handlers after it. */
export interface AppEnv {
  Variables: {
    user: AuthUser
  }
}
