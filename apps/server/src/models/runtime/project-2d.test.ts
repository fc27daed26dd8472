import { describe, expect, it } from 'vitest'
import { randomMatrix } from '../onnx/test-models'
import { project2d } from './project-2d'

describe('project2d', () => {
  it('steps UMAP epoch by epoch, calling pace between them, with the same map as without', () => {
    const X = randomMatrix(120, 6, 2)
    let calls = 0
    const paced = project2d(X, 120, 6, 7, {}, () => calls++)
    const plain = project2d(X, 120, 6, 7)
    expect(paced.method).toBe('umap')
    expect([...paced.xy]).toEqual([...plain.xy])
    expect(calls).toBe(200)
  })
})
