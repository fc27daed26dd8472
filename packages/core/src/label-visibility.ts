import type { ProjectRole } from './rooms'

/**
 * Who sees other people's labels: the one rule behind blind mode, asked by every REST route and
 * every sync room.
 *
 * Agreement measures something only if annotators judge each item independently, so an
 * annotator of a blind project learns nothing of anyone else's labels: no value, no vote or
 * label count on an item, and nothing computed from them (consensus, agreement, hotspots, the
 * review where they are discussed, suggestions of a model trained on them).
 *
 *   'all'  reviewers and admins; every member of a project that is not blind
 *   'own'  an annotator of a blind project: their own labels, and project-wide totals that
 *          name no item and no label (items, items complete, labels given)
 */
export type LabelVisibility = 'all' | 'own'

export function labelVisibility(
  role: ProjectRole,
  project: { readonly blind: boolean },
): LabelVisibility {
  return role === 'annotator' && project.blind ? 'own' : 'all'
}

/** The project's setting of who sees the model's suggestions. */
export type SuggestionsSetting = 'auto' | 'hidden' | 'reviewers' | 'everyone'

/**
 * Whether a member sees the active model's suggestions. `auto` shows them to reviewers, and to
 * annotators once blind mode is off (suggestions anchor people). `everyone` cannot open a hole
 * in blind mode: a model Concord trained on the project's consensus is a summary of other
 * people's labels, so a blind annotator sees suggestions only of a model the team brought
 * (uploaded), never of one trained on the labels.
 */
export function seesSuggestions(
  setting: SuggestionsSetting,
  role: ProjectRole,
  project: { readonly blind: boolean },
  model: { readonly trainedOnLabels: boolean },
): boolean {
  const reviewer = role !== 'annotator'
  switch (setting) {
    case 'hidden':
      return false
    case 'reviewers':
      return reviewer
    case 'auto':
      return labelVisibility(role, project) === 'all'
    case 'everyone':
      return labelVisibility(role, project) === 'all' || !model.trainedOnLabels
  }
}
