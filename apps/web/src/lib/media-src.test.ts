import { describe, expect, test } from 'vitest'
import { mediaSrc } from './media-src'

describe('mediaSrc', () => {
  const closed = { id: 'p 1' }
  const open = { id: 'p1', allowRemoteMedia: true }
  test.each([
    [closed, { id: 7, mediaUrl: 'pics/a.png' }, '/api/projects/p%201/items/7/media'],
    [open, { id: '8', mediaUrl: 'a.png' }, '/api/projects/p1/items/8/media'],
    [closed, { id: 7, mediaUrl: 'https://cdn.example/a.png' }, undefined],
    [open, { id: 7, mediaUrl: 'https://cdn.example/a.png' }, 'https://cdn.example/a.png'],
    [open, { id: 7, mediaUrl: null }, undefined],
    [open, { id: 7, mediaUrl: '  ' }, undefined],
  ])('%j %j -> %s', (project, item, src) => {
    expect(mediaSrc(project, item)).toBe(src)
  })
})
