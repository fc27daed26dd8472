import { describe, expect, it } from 'vitest'
import { minimizeLbfgs } from './lbfgs'

describe('minimizeLbfgs', () => {
  it('finds the minimum of the Rosenbrock function, (1, 1)', () => {
    // f = (1 − x)² + 100 (y − x²)²: a curved valley, the classic test of quasi-Newton methods.
    const result = minimizeLbfgs(
      (p, g) => {
        const x = p[0]!
        const y = p[1]!
        g[0] = -2 * (1 - x) - 400 * x * (y - x * x)
        g[1] = 200 * (y - x * x)
        return (1 - x) ** 2 + 100 * (y - x * x) ** 2
      },
      Float64Array.from([-1.2, 1]),
      // ftol 0: the minimum value is 0, where the default relative-decrease stop would end early.
      { maxIter: 500, tol: 1e-10, ftol: 0 },
    )
    expect(result.converged).toBe(true)
    expect(result.x[0]).toBeCloseTo(1, 6)
    expect(result.x[1]).toBeCloseTo(1, 6)
  })

  it('solves an ill-conditioned quadratic as fast as scipy', () => {
    // f = Σ c_i (x_i − i)² / 2 with curvatures from 1 to 100; scipy 1.17's L-BFGS-B (m = 10,
    // gtol 1e-8, ftol 0) takes 114 iterations.
    const n = 50
    const c = Float64Array.from({ length: n }, (_, i) => 10 ** ((2 * i) / (n - 1)))
    const result = minimizeLbfgs(
      (x, g) => {
        let f = 0
        for (let i = 0; i < n; i++) {
          const r = x[i]! - i
          g[i] = c[i]! * r
          f += 0.5 * c[i]! * r * r
        }
        return f
      },
      new Float64Array(n),
      { maxIter: 1000, tol: 1e-8, ftol: 0 },
    )
    expect(result.converged).toBe(true)
    expect(result.iterations).toBeLessThan(130)
    for (let i = 0; i < n; i++) expect(result.x[i]).toBeCloseTo(i, 6)
  })

  it('stops at once at a stationary point and reports it', () => {
    let calls = 0
    const result = minimizeLbfgs(
      (x, g) => {
        calls++
        g[0] = 2 * x[0]!
        return x[0]! * x[0]!
      },
      Float64Array.from([0]),
    )
    expect(result).toMatchObject({ iterations: 0, converged: true, value: 0 })
    expect(calls).toBe(1)
  })

  it('stops when the objective no longer falls (ftol) before the gradient test passes', () => {
    const result = minimizeLbfgs(
      (x, g) => {
        g[0] = 4 * x[0]! ** 3
        return x[0]! ** 4
      },
      Float64Array.from([3]),
      { tol: 0, ftol: 1e-6, maxIter: 1000 },
    )
    expect(result.converged).toBe(false)
    expect(result.iterations).toBeLessThan(1000)
    expect(Math.abs(result.x[0]!)).toBeLessThan(0.1)
  })

  it('calls pace before every evaluation of the objective, and converges the same', () => {
    const quadratic = (p: Float64Array, g: Float64Array): number => {
      let f = 0
      for (let i = 0; i < p.length; i++) {
        g[i] = (i + 1) * (p[i]! - i)
        f += ((i + 1) * (p[i]! - i) ** 2) / 2
      }
      return f
    }
    let paced = 0
    const withPace = minimizeLbfgs(quadratic, new Float64Array(8), { pace: () => paced++ })
    const without = minimizeLbfgs(quadratic, new Float64Array(8))
    expect(paced).toBe(withPace.evaluations)
    expect(paced).toBeGreaterThan(1)
    expect([...withPace.x]).toEqual([...without.x])
  })

  it('honours maxIter', () => {
    const result = minimizeLbfgs(
      (p, g) => {
        const x = p[0]!
        const y = p[1]!
        g[0] = -2 * (1 - x) - 400 * x * (y - x * x)
        g[1] = 200 * (y - x * x)
        return (1 - x) ** 2 + 100 * (y - x * x) ** 2
      },
      Float64Array.from([-1.2, 1]),
      { maxIter: 3, tol: 1e-12 },
    )
    expect(result.iterations).toBe(3)
    expect(result.converged).toBe(false)
  })
})
