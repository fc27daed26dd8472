import type { LabelVisibility } from '@concord/core'
import type { Item } from '../repos/items'

export type ItemView = Item | Omit<Item, 'labelCount'>

/**
 * An item as a member sees it. How many people labelled an item is a fact about their labels:
 * an annotator of a blind project does not get it (nor could she tell it from her queue).
 */
export function itemView(item: Item, visibility: LabelVisibility): ItemView {
  if (visibility === 'all') return item
  const { labelCount: _hidden, ...rest } = item
  return rest
}
