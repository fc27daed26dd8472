// Branded ids: a ProjectId cannot be passed where a UserId is expected, although both are strings.
declare const brand: unique symbol
export type Brand<T, B extends string> = T & { readonly [brand]: B }

export type UserId = Brand<string, 'UserId'>
export type ProjectId = Brand<string, 'ProjectId'>
export type ItemId = Brand<string, 'ItemId'>

/** Ids travel in room names and URLs, so they are restricted to a safe alphabet. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

export function isId(value: string): boolean {
  return ID_PATTERN.test(value)
}

export const asUserId = (id: string): UserId => id as UserId
export const asProjectId = (id: string): ProjectId => id as ProjectId
export const asItemId = (id: string): ItemId => id as ItemId
