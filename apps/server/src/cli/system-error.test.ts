import { describe, expect, it } from 'vitest'
import { describeSystemError } from './system-error'

function sysError(props: Record<string, unknown>): Error {
  return Object.assign(new Error('x'), props)
}

describe('describeSystemError', () => {
  it.each([
    [
      { code: 'EADDRINUSE', address: '127.0.0.1', port: 8080, syscall: 'listen' },
      /127\.0\.0\.1:8080 is already in use.*--port/,
    ],
    [{ code: 'EACCES', address: '127.0.0.1', port: 80, syscall: 'listen' }, /ports below 1024/],
    [{ code: 'EACCES', path: '/root/x', syscall: 'mkdir' }, /--data-dir/],
    [{ code: 'EADDRNOTAVAIL', address: '10.9.9.9', port: 1, syscall: 'listen' }, /--host/],
    [{ code: 'ENOSPC', path: '/d/concord.db' }, /disk is full/],
  ])('%j', (props, expected) => {
    expect(describeSystemError(sysError(props))).toMatch(expected)
  })

  it('leaves other errors to the caller', () => {
    expect(describeSystemError(new Error('bug'))).toBeUndefined()
    expect(describeSystemError(sysError({ code: 'EWHATEVER' }))).toBeUndefined()
    expect(describeSystemError('text')).toBeUndefined()
  })
})
