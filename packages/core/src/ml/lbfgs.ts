/**
 * Limited-memory BFGS (Liu & Nocedal 1989, "On the limited memory BFGS method for large scale
 * optimization"; Nocedal & Wright, "Numerical Optimization", 2nd ed., algorithms 7.4 and 7.5)
 * with a backtracking Armijo line search. Backtracking is enough here because the objectives
 * Concord minimises are smooth and convex; a pair (s, y) that breaks the curvature condition
 * s.y > 0 is skipped, which keeps the inverse Hessian estimate positive definite.
 */

import { noPace, type Pace } from './pace'

/** Writes the gradient at `x` into `grad` and returns the objective value. */
export type ObjectiveFn = (x: Float64Array, grad: Float64Array) => number

export interface LbfgsOptions {
  /** Iterations at most (default 100). */
  readonly maxIter?: number
  /** Stop when max |gradient_i| <= tol (default 1e-5). */
  readonly tol?: number
  /** Stop when the objective falls by less than ftol x max(|f|, 1) in an iteration (1e-10). */
  readonly ftol?: number
  /** Correction pairs kept (default 10). */
  readonly memory?: number
  /** Called before each evaluation of the objective (see {@link Pace}). */
  readonly pace?: Pace
}

export interface LbfgsResult {
  /** The last point accepted; the argument x0 is updated in place and returned. */
  readonly x: Float64Array
  readonly value: number
  readonly iterations: number
  readonly evaluations: number
  readonly gradientMaxAbs: number
  readonly converged: boolean
}

const ARMIJO_C1 = 1e-4
const MAX_BACKTRACKS = 30

export function minimizeLbfgs(
  objective: ObjectiveFn,
  x0: Float64Array,
  options: LbfgsOptions = {},
): LbfgsResult {
  const pace = options.pace ?? noPace
  const fn: ObjectiveFn = (x, grad) => {
    pace()
    return objective(x, grad)
  }
  const maxIter = options.maxIter ?? 100
  const tol = options.tol ?? 1e-5
  const ftol = options.ftol ?? 1e-10
  const m = Math.max(1, options.memory ?? 10)
  const n = x0.length
  const x = x0
  const g = new Float64Array(n)
  const xNew = new Float64Array(n)
  const gNew = new Float64Array(n)
  const dir = new Float64Array(n)
  const S: Float64Array[] = []
  const Y: Float64Array[] = []
  const rho: number[] = []
  const alpha = new Float64Array(m)
  let f = fn(x, g)
  let evaluations = 1
  let iterations = 0
  let gMax = maxAbs(g)
  let converged = gMax <= tol
  while (!converged && iterations < maxIter) {
    // Two-loop recursion: dir = -H g.
    for (let i = 0; i < n; i++) dir[i] = -g[i]!
    const h = S.length
    for (let j = h - 1; j >= 0; j--) {
      const a = rho[j]! * dot(S[j]!, dir)
      alpha[j] = a
      axpy(-a, Y[j]!, dir)
    }
    if (h > 0) {
      const yl = Y[h - 1]!
      scale(dir, 1 / (rho[h - 1]! * dot(yl, yl)))
    }
    for (let j = 0; j < h; j++) {
      const b = rho[j]! * dot(Y[j]!, dir)
      axpy(alpha[j]! - b, S[j]!, dir)
    }
    let slope = dot(g, dir)
    if (!(slope < 0)) {
      // Not a descent direction (rounding in a flat region): restart from steepest descent.
      S.length = 0
      Y.length = 0
      rho.length = 0
      for (let i = 0; i < n; i++) dir[i] = -g[i]!
      slope = dot(g, dir)
    }
    // Without curvature information the first step is scaled to move x by at most 1.
    let step = S.length === 0 ? Math.min(1, 1 / Math.sqrt(dot(g, g))) : 1
    let fNew = 0
    let accepted = false
    for (let b = 0; b <= MAX_BACKTRACKS; b++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * dir[i]!
      fNew = fn(xNew, gNew)
      evaluations++
      if (fNew <= f + ARMIJO_C1 * step * slope) {
        accepted = true
        break
      }
      // Minimum of the quadratic through f, the slope and fNew, kept within [0.1, 0.5] x step.
      const q = (-slope * step * step) / (2 * (fNew - f - slope * step))
      step = Number.isFinite(q) ? Math.min(0.5 * step, Math.max(0.1 * step, q)) : 0.5 * step
    }
    if (!accepted) break
    iterations++
    const s = new Float64Array(n)
    const yv = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!
      yv[i] = gNew[i]! - g[i]!
    }
    const sy = dot(s, yv)
    if (sy > 1e-12 * dot(yv, yv)) {
      if (S.length === m) {
        S.shift()
        Y.shift()
        rho.shift()
      }
      S.push(s)
      Y.push(yv)
      rho.push(1 / sy)
    }
    const decrease = f - fNew
    x.set(xNew)
    g.set(gNew)
    f = fNew
    gMax = maxAbs(g)
    if (gMax <= tol) converged = true
    else if (decrease <= ftol * Math.max(Math.abs(f), 1)) break
  }
  return { x, value: f, iterations, evaluations, gradientMaxAbs: gMax, converged }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i]! += a * x[i]!
}

function scale(x: Float64Array, a: number): void {
  for (let i = 0; i < x.length; i++) x[i]! *= a
}

function maxAbs(x: Float64Array): number {
  let m = 0
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i]!)
    if (v > m || v !== v) m = v
  }
  return m
}
