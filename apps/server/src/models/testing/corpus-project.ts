import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { projectCreateSchema, type ProjectId } from '@concord/core'
import { mulberry32 } from '@concord/core/ml'
import { spamAssassinDataDir, type SpamAssassinGroup } from '../../demo/demo-corpus'
import { emailToText } from '../../demo/email-text'
import { importItems } from '../../import/import-items'
import { importLabels } from '../../import/import-labels'
import { createProject } from '../../repos/projects'
import type { ServerContext } from '../../context'
import { createUser } from '../../repos/users'

export interface CorpusEmail {
  readonly id: string
  readonly text: string
  readonly label: 'spam' | 'ham'
}

/**
 * The SpamAssassin public corpus as a labelled text dataset: every email of the package, with
 * the corpus' own class (spam or ham) as its true label. Texts are cut like the demo's.
 */
export function spamAssassinEmails(limit = Infinity): CorpusEmail[] {
  const dir = spamAssassinDataDir()
  const out: CorpusEmail[] = []
  const groups: SpamAssassinGroup[] = ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2']
  for (const group of groups) {
    for (const file of readdirSync(join(dir, group)).sort()) {
      if (!file.endsWith('.json')) continue
      const raw = JSON.parse(readFileSync(join(dir, group, file), 'utf8')) as { text: string }
      out.push({
        id: `${group}/${file.split('.')[0]}`,
        text: emailToText(raw.text, 2000),
        label: group.startsWith('spam') ? 'spam' : 'ham',
      })
    }
  }
  // A seeded shuffle, then the cut: a limited set still holds both classes.
  const rng = mulberry32(7)
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out.slice(0, limit)
}

function csvField(s: string): string {
  return `"${s.replace(/"/g, '""')}"`
}

async function* bytes(text: string): AsyncGenerator<Uint8Array> {
  const all = new TextEncoder().encode(text)
  for (let i = 0; i < all.length; i += 1 << 20) yield all.subarray(i, i + (1 << 20))
}

/**
 * A spam/ham project (K = 1) holding `emails`, labelled by one annotator, `truth`, with the
 * given labels (the true ones unless `given` overrides some), imported the way a team would:
 * items from CSV, labels from a CSV of (item, annotator, label) into the labels document.
 */
export async function corpusProject(
  ctx: ServerContext,
  emails: readonly CorpusEmail[],
  given: (email: CorpusEmail, index: number) => string | undefined = (e) => e.label,
): Promise<ProjectId> {
  const project = await createProject(
    ctx.db,
    projectCreateSchema.parse({
      name: 'Spam',
      labelSchema: {
        kind: 'single',
        labels: [
          { id: 'ham', name: 'Ham' },
          { id: 'spam', name: 'Spam' },
        ],
      },
      overlap: 1,
      blind: true,
    }),
    ctx.clock,
  )
  const known = await ctx.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', 'truth')
    .executeTakeFirst()
  if (!known) await createUser(ctx.db, { username: 'truth', password: 'truth-password' }, ctx.clock)
  const items = ['id,text', ...emails.map((e) => `${csvField(e.id)},${csvField(e.text)}`)]
  await importItems(ctx, project.id, bytes(items.join('\n')), 'csv')
  const labels = ['item,annotator,label']
  emails.forEach((e, i) => {
    const label = given(e, i)
    if (label !== undefined) labels.push(`${csvField(e.id)},truth,${label}`)
  })
  if (labels.length > 1) {
    await importLabels(ctx, project.id, bytes(labels.join('\n')), { addMembers: true })
  }
  return project.id
}
