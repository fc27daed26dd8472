import SQLite from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { cachingStatements } from './statement-cache'

function handle(capacity?: number) {
  const sqlite = new SQLite(':memory:')
  sqlite.exec('create table t (n integer)')
  sqlite.exec('insert into t values (1), (2), (3)')
  return { sqlite, db: cachingStatements(sqlite, capacity) }
}

describe('cachingStatements', () => {
  it('prepares each SQL text once and runs it with new parameters every time', () => {
    const { db } = handle()
    const a = db.prepare('select n from t where n = ?')
    const b = db.prepare('select n from t where n = ?')
    expect(b).toBe(a)
    expect(a.all([2])).toEqual([{ n: 2 }])
    expect(b.all([3])).toEqual([{ n: 3 }])
    expect(db.prepare('insert into t values (?)').run([4]).changes).toBe(1)
  })

  it('gives a statement still being iterated a fresh twin instead', () => {
    const { db } = handle()
    const sql = 'select n from t order by n'
    const it1 = db.prepare(sql).iterate([])
    it1.next()
    const second = db.prepare(sql)
    expect(second.all([])).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }])
    expect([...it1]).toEqual([{ n: 2 }, { n: 3 }])
  })

  it('keeps at most `capacity` statements, dropping the least recently used', () => {
    const { db } = handle(2)
    const one = db.prepare('select 1')
    const two = db.prepare('select 2')
    expect(db.prepare('select 1')).toBe(one) // now 2 is the oldest
    db.prepare('select 3')
    expect(db.prepare('select 1')).toBe(one)
    expect(db.prepare('select 2')).not.toBe(two)
  })

  it('closes the database it wraps', () => {
    const { sqlite, db } = handle()
    db.close()
    expect(sqlite.open).toBe(false)
  })
})
