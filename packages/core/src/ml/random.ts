/**
 * Seeded randomness for the ML module. Core may not call Math.random (results must be
 * reproducible from a seed, and tests must be able to pin them), so every function that needs
 * randomness takes one of these generators.
 */

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number

/**
 * Mulberry32 (Tommy Ettinger, 2017): a 32-bit state generator, fast and good enough for
 * shuffling, sampling and initialisation; not for cryptography. The same seed always gives the
 * same sequence. Example: `mulberry32(1)()` is 0.6270739405881613.
 */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A uniform integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n)
}

/** Fisher-Yates: every permutation equally likely for a uniform rng. Returns its argument. */
export function shuffleInPlace<
  T extends unknown[] | Int32Array | Uint32Array | Float32Array | Float64Array,
>(items: T, rng: Rng): T {
  const a = items as unknown as { [i: number]: unknown; length: number }
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    const tmp = a[i]
    a[i] = a[j]
    a[j] = tmp
  }
  return items
}

/**
 * A standard normal draw by the Box-Muller transform. One uniform pair gives two normals; the
 * second is dropped so that the function stays stateless (the cost does not matter here).
 */
export function gaussian(rng: Rng): number {
  // 1 - u keeps the logarithm's argument in (0, 1], so the result is never infinite.
  const u = 1 - rng()
  const v = rng()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}
