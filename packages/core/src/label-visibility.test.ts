import { describe, expect, it } from 'vitest'
import { labelVisibility, seesSuggestions, type SuggestionsSetting } from './label-visibility'
import { roomAccess, type ProjectRole } from './rooms'
import { asProjectId, asUserId } from './ids'

describe('labelVisibility', () => {
  it.each([
    ['annotator', true, 'own'],
    ['annotator', false, 'all'],
    ['reviewer', true, 'all'],
    ['reviewer', false, 'all'],
    ['admin', true, 'all'],
    ['admin', false, 'all'],
  ] as const)('%s, blind %s: %s', (role, blind, expected) => {
    expect(labelVisibility(role, { blind })).toBe(expected)
  })
})

describe('seesSuggestions', () => {
  // setting, role, blind, model trained on the labels, expected
  it.each<[SuggestionsSetting, ProjectRole, boolean, boolean, boolean]>([
    ['hidden', 'admin', false, false, false],
    ['hidden', 'annotator', false, false, false],
    ['reviewers', 'reviewer', true, true, true],
    ['reviewers', 'annotator', false, false, false],
    ['auto', 'reviewer', true, true, true],
    ['auto', 'annotator', true, false, false],
    ['auto', 'annotator', false, true, true],
    ['everyone', 'annotator', false, true, true],
    ['everyone', 'reviewer', true, true, true],
    // A trained model summarises other people's labels: never shown to a blind annotator.
    ['everyone', 'annotator', true, true, false],
    // The team's own model knows nothing of this project's labels.
    ['everyone', 'annotator', true, false, true],
  ])('%s, %s, blind %s, trained %s: %s', (setting, role, blind, trained, expected) => {
    expect(seesSuggestions(setting, role, { blind }, { trainedOnLabels: trained })).toBe(expected)
  })
})

describe('roomAccess follows labelVisibility', () => {
  const me = asUserId('u_me')
  const other = asUserId('u_other')
  const project = asProjectId('p_1')
  const access = (role: ProjectRole, blind: boolean, room: Parameters<typeof roomAccess>[0]) =>
    roomAccess(room, { user: me, role, project: { blind, annotatorsEditBooklet: false } })

  it.each<[ProjectRole, boolean, 'labels-other' | 'labels-own' | 'review' | 'booklet', string]>([
    ['annotator', true, 'labels-other', 'none'],
    ['annotator', true, 'labels-own', 'write'],
    ['annotator', true, 'review', 'none'],
    ['annotator', true, 'booklet', 'read'],
    ['annotator', false, 'labels-other', 'read'],
    ['annotator', false, 'review', 'read'],
    ['reviewer', true, 'labels-other', 'read'],
    ['reviewer', true, 'review', 'write'],
  ])('%s, blind %s, %s: %s', (role, blind, which, expected) => {
    const room =
      which === 'labels-other'
        ? ({ kind: 'labels', project, annotator: other } as const)
        : which === 'labels-own'
          ? ({ kind: 'labels', project, annotator: me } as const)
          : ({ kind: which, project } as const)
    expect(access(role, blind, room)).toBe(expected)
  })
})
