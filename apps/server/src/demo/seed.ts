import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import {
  asProjectId,
  isBookletDocEmpty,
  labelSchemaSchema,
  passwordProblem,
  parseBookletMarkdown,
  writeBookletToDoc,
  type BookletContent,
  type LabelSchema,
  type ProjectRole,
  type UserId,
} from '@concord/core'
import type { Kysely } from 'kysely'
import { hashPassword } from '../auth/passwords'
import type { ServerContext } from '../context'
import type { Database } from '../db/database'
import { insertItems } from '../repos/items'
import { addMissingMembers } from '../repos/members'
import { newUserId } from '../repos/users'
import { loadDemoCorpus, type DemoEmail } from './demo-corpus'
import { generatePassword } from './generate-password'

export const ADMIN_USERNAME = 'admin'
export const DEMO_PROJECT_ID = 'demo'
/** The booklet of the demo project, in the repository's booklet/ folder. */
export const DEMO_BOOKLET_FILE = fileURLToPath(
  new URL('../../../../booklet/demo.md', import.meta.url),
)

/** The demo team: two annotators and a reviewer, who share one password. */
export const DEMO_USERS: readonly {
  readonly username: string
  readonly displayName: string
  readonly role: ProjectRole
}[] = [
  { username: 'ana', displayName: 'Ana', role: 'annotator' },
  { username: 'ben', displayName: 'Ben', role: 'annotator' },
  { username: 'rita', displayName: 'Rita', role: 'reviewer' },
]

export interface SeedResult {
  /** Set when this start created the first admin; `password` when it was generated. */
  readonly adminCreated?: { readonly username: string; readonly password?: string }
  /** Set when this start created the demo project. */
  readonly demoProjectId?: string
  readonly demoItems?: number
  /**
   * The demo accounts this start created (an existing account of the same name is used as it
   * is); `password`, shared by all of them, when it was generated.
   */
  readonly demoUsersCreated?: { readonly usernames: readonly string[]; readonly password?: string }
}

export interface SeedDeps {
  /** Password of the demo accounts; default CONCORD_DEMO_PASSWORD, else generated. */
  readonly demoPassword?: string
  readonly loadCorpus?: () => DemoEmail[]
  readonly bookletFile?: string
}

/**
 * First-start seeding, safe to run on every start:
 * - with no admin account, creates the admin `admin` (password from the options, else generated
 *   and returned so the caller prints it once). "No admin" rather than "no user": accounts made
 *   with `concord user add` before the first start do not leave the instance without an admin;
 * - with `options.seedDemo` and no project at all, creates the demo project "Email triage"
 *   (300 emails, its booklet from booklet/demo.md) and its team: `rita` (reviewer), `ana` and
 *   `ben` (annotators), and `admin` as its admin. An instance that already has projects is not
 *   given the demo again, so a deleted demo stays deleted.
 * Each check and the inserts it guards run in one transaction.
 */
export async function seedFirstStart(ctx: ServerContext, deps: SeedDeps = {}): Promise<SeedResult> {
  const adminCreated = await seedAdmin(ctx)
  const demo = ctx.options.seedDemo ? await seedDemo(ctx, deps) : undefined
  return { ...(adminCreated && { adminCreated }), ...demo }
}

/** A configured password is held to the rules of any new password: start-up stops on a weak one. */
function checkPassword(password: string, source: string): string {
  const problem = passwordProblem(password)
  if (problem !== undefined) throw new Error(`${source} is refused: ${problem}`)
  return password
}

async function seedAdmin(ctx: ServerContext): Promise<SeedResult['adminCreated']> {
  const given = ctx.options.adminPassword
  const password =
    given === undefined ? generatePassword() : checkPassword(given, 'CONCORD_ADMIN_PASSWORD')
  const created = await ctx.db.transaction().execute(async (trx) => {
    const admin = await trx
      .selectFrom('users')
      .select('id')
      .where('is_admin', '=', 1)
      .limit(1)
      .executeTakeFirst()
    if (admin) return false
    const taken = await trx
      .selectFrom('users')
      .select('id')
      .where('username', '=', ADMIN_USERNAME)
      .executeTakeFirst()
    if (taken) {
      ctx.log.warn(
        `there is no admin account and the username '${ADMIN_USERNAME}' is taken by a non-admin; ` +
          `create one with 'concord user add NAME --admin'`,
      )
      return false
    }
    await trx
      .insertInto('users')
      .values({
        id: newUserId(),
        username: ADMIN_USERNAME,
        display_name: 'Administrator',
        password_hash: await hashPassword(password),
        is_admin: 1,
        created_at: ctx.clock.now(),
      })
      .execute()
    return true
  })
  if (!created) return undefined
  ctx.log.info(`created the admin account '${ADMIN_USERNAME}'`)
  return given === undefined ? { username: ADMIN_USERNAME, password } : { username: ADMIN_USERNAME }
}

async function hasProjects(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom('projects').select('id').limit(1).executeTakeFirst()) !== undefined
}

/** The label schema of the demo: the booklet's labels, each described by its first paragraph. */
export function demoLabelSchema(booklet: BookletContent): LabelSchema {
  return labelSchemaSchema.parse({
    kind: 'single',
    ordered: false,
    labels: booklet.labels.map((l) => ({
      id: l.id,
      name: l.name,
      description: (l.definition.split(/\n\s*\n/)[0] ?? '').replace(/\s+/g, ' ').trim(),
    })),
  })
}

async function seedDemo(ctx: ServerContext, deps: SeedDeps): Promise<SeedResult | undefined> {
  if (await hasProjects(ctx.db)) return undefined

  const booklet = parseBookletMarkdown(readFileSync(deps.bookletFile ?? DEMO_BOOKLET_FILE, 'utf8'))
  const schema = demoLabelSchema(booklet)
  const emails = (deps.loadCorpus ?? loadDemoCorpus)()
  const given = deps.demoPassword ?? (process.env.CONCORD_DEMO_PASSWORD || undefined)
  const password =
    given === undefined ? generatePassword() : checkPassword(given, 'CONCORD_DEMO_PASSWORD')
  // Hashing is slow on purpose: done before the transaction, not while holding the write lock.
  const hashes = await Promise.all(DEMO_USERS.map(() => hashPassword(password)))

  // The booklet first: a crash after it leaves a booklet document without its project, which the
  // next start completes; the other order would leave a demo project without guidelines.
  await ctx.docs.change(`booklet/${DEMO_PROJECT_ID}`, (doc) => {
    if (isBookletDocEmpty(doc)) writeBookletToDoc(doc, booklet, { addedAt: ctx.clock.now() })
  })

  const created = await ctx.db.transaction().execute(async (trx) => {
    if (await hasProjects(trx)) return undefined
    const now = ctx.clock.now()
    const projectId = asProjectId(DEMO_PROJECT_ID)
    await trx
      .insertInto('projects')
      .values({
        id: projectId,
        name: booklet.title,
        description:
          'A demo: 300 emails of the SpamAssassin public corpus to sort into spam, marketing ' +
          'and personal mail, with the team’s booklet.',
        label_schema: JSON.stringify(schema),
        overlap: 2,
        blind: 1,
        annotators_edit_booklet: 0,
        created_at: now,
        updated_at: now,
      })
      .execute()

    const createdUsers: string[] = []
    const admin = await trx
      .selectFrom('users')
      .select('id')
      .where('username', '=', ADMIN_USERNAME)
      .executeTakeFirst()
    if (admin) await addMissingMembers(trx, projectId, [admin.id as UserId], 'admin', now)
    for (const [i, user] of DEMO_USERS.entries()) {
      const existing = await trx
        .selectFrom('users')
        .select('id')
        .where('username', '=', user.username)
        .executeTakeFirst()
      let id = existing?.id as UserId | undefined
      if (id === undefined) {
        id = newUserId()
        await trx
          .insertInto('users')
          .values({
            id,
            username: user.username,
            display_name: user.displayName,
            password_hash: hashes[i] ?? (await hashPassword(password)),
            is_admin: 0,
            created_at: now,
          })
          .execute()
        createdUsers.push(user.username)
      }
      await addMissingMembers(trx, projectId, [id], user.role, now)
    }

    await insertItems(
      trx,
      projectId,
      emails.map((e) => ({ externalId: e.externalId, text: e.text, metadata: { ...e.metadata } })),
      now,
    )
    return { projectId, createdUsers }
  })
  if (!created) return undefined

  ctx.log.info(`created the demo project '${DEMO_PROJECT_ID}'`, { items: emails.length })
  return {
    demoProjectId: created.projectId,
    demoItems: emails.length,
    ...(created.createdUsers.length > 0 && {
      demoUsersCreated: {
        usernames: created.createdUsers,
        ...(given === undefined && { password }),
      },
    }),
  }
}
