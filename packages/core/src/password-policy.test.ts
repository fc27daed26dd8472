import { describe, expect, it } from 'vitest'
import { commonPasswordCount, isCommonPassword } from './common-passwords'
import { passwordProblem } from './password-policy'

describe('passwordProblem', () => {
  it.each<[string, string, RegExp | undefined]>([
    ['too short', 'abc1234', /at least 8 characters/],
    ['empty', '', /at least 8 characters/],
    ['too long', 'x'.repeat(1025), /at most 1024 characters/],
    ['only spaces', '        ', /only spaces/],
    ['only tabs and newlines', '\t\t\n\n\t\t\n\n', /only spaces/],
    ['a common password', 'password123', /most common passwords/],
    ['a common password in other case', 'PassWord123', /most common passwords/],
    ['a keyboard walk', '1q2w3e4r5t', /most common passwords/],
    ['a season and year', 'Summer2024', /most common passwords/],
    ['long enough and not common', 'correct horse battery', undefined],
    ['spaces inside are fine', ' a b c d e ', undefined],
    ['the test suites’ passwords pass', 'password-123', undefined],
    ['the test suites’ admin password passes', 'admin-password', undefined],
    ['exactly 8 characters', 'k7#Lq9!z', undefined],
  ])('%s', (_name, password, problem) => {
    const found = passwordProblem(password)
    if (problem === undefined) expect(found).toBeUndefined()
    else expect(found).toMatch(problem)
  })
})

describe('the common password list', () => {
  it('holds about a thousand passwords, each of 8 or more characters', () => {
    expect(commonPasswordCount()).toBeGreaterThan(1000)
    expect(isCommonPassword('iloveyou')).toBe(true)
    expect(isCommonPassword('qwertyuiop')).toBe(true)
    expect(isCommonPassword('not on any list 9f3')).toBe(false)
  })
})
