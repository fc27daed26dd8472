import { describe, expect, it } from 'vitest'
import {
  agreementDomain,
  bands,
  barSpan,
  filtersFromQuery,
  filtersToQuery,
  formatClock,
  formatInterval,
  formatValue,
  heatColor,
  isLabelled,
  labelSide,
  labelStride,
  linearScale,
  linePath,
  textColorOn,
  ticks,
  truncate,
} from './chart-scales'

describe('formatValue', () => {
  it.each([
    [0.71234, 3, '0.712'],
    [1, 3, '1.000'],
    [-0.25, 3, '-0.250'],
    [-0.0001, 3, '0.000'],
    [0, 2, '0.00'],
    [null, 3, '—'],
    [undefined, 3, '—'],
    [Number.NaN, 3, '—'],
  ])('%s with %i decimals is %s', (value, digits, text) => {
    expect(formatValue(value, digits)).toBe(text)
  })
})

describe('formatInterval', () => {
  it.each([
    [0.5, 0.8, '[0.500, 0.800]'],
    [-0.1234, 0.4, '[-0.123, 0.400]'],
    [null, 0.8, ''],
    [0.5, null, ''],
  ])('[%s, %s] is %j', (low, high, text) => {
    expect(formatInterval(low, high)).toBe(text)
  })
})

describe('formatClock', () => {
  it.each([
    [new Date(2024, 0, 1, 9, 5, 3), '09:05:03'],
    [new Date(2024, 0, 1, 23, 59, 59), '23:59:59'],
  ])('%s is %s', (date, text) => expect(formatClock(date)).toBe(text))
})

describe('linearScale', () => {
  it.each([
    [[0, 1], [0, 100], 0.5, 50],
    [[0, 1], [200, 0], 0.25, 150],
    [[-1, 1], [0, 200], 0, 100],
    [[2, 2], [0, 10], 2, 5],
  ] as const)('domain %j range %j maps %s to %s', (domain, range, v, px) => {
    expect(linearScale([...domain], [...range])(v)).toBeCloseTo(px)
  })
})

describe('agreementDomain', () => {
  it.each([
    [
      [0.4, 0.9],
      [0, 1],
    ],
    [[], [0, 1]],
    [
      [null, 0.2],
      [0, 1],
    ],
    [
      [-0.1, 0.5],
      [-0.25, 1],
    ],
    [
      [-0.25, 0.5],
      [-0.25, 1],
    ],
    [[-0.6], [-0.75, 1]],
    [[-3], [-1, 1]],
    [
      [Number.NaN, 0.3],
      [0, 1],
    ],
  ] as const)('%j gives %j', (values, domain) => {
    expect(agreementDomain([...values])).toEqual(domain)
  })
})

describe('ticks', () => {
  it.each([
    [[0, 1], 0.25, [0, 0.25, 0.5, 0.75, 1]],
    [[-0.25, 1], 0.25, [-0.25, 0, 0.25, 0.5, 0.75, 1]],
    [[0, 0.3], 0.1, [0, 0.1, 0.2, 0.3]],
  ] as const)('%j every %s', (domain, step, out) => {
    expect(ticks([...domain], step)).toEqual(out)
  })
})

describe('bands', () => {
  it.each([
    // count, range, padding, i, start, center, band
    [4, [0, 400], 0.2, 0, 10, 50, 80],
    [4, [0, 400], 0.2, 3, 310, 350, 80],
    [2, [100, 300], 0, 1, 200, 250, 100],
    [0, [0, 100], 0.2, 0, 0, 0, 0],
  ] as const)('%i bands over %j, band %i', (count, range, padding, i, start, center, band) => {
    const b = bands(count, [...range], padding)
    expect(b.start(i)).toBeCloseTo(start)
    expect(b.center(i)).toBeCloseTo(center)
    expect(b.band).toBeCloseTo(band)
  })
})

describe('barSpan', () => {
  const scale = linearScale([-1, 1], [0, 200])
  it.each([
    [0.5, { x: 100, width: 50 }],
    [-0.5, { x: 50, width: 50 }],
    [0, { x: 100, width: 0 }],
  ])('%s', (value, span) => expect(barSpan(value, scale)).toEqual(span))
})

describe('linePath', () => {
  it.each([
    [[], ''],
    [[{ x: 0, y: 10 }], 'M0 10'],
    [
      [
        { x: 0, y: 10 },
        { x: 20, y: 5.55 },
      ],
      'M0 10 L20 5.6',
    ],
    [
      [
        { x: 0, y: 10 },
        { x: 10, y: null },
        { x: 20, y: 5 },
        { x: 30, y: 6 },
      ],
      'M0 10 M20 5 L30 6',
    ],
    [
      [
        { x: 0, y: null },
        { x: 10, y: 1 },
      ],
      'M10 1',
    ],
  ])('%j', (points, d) => expect(linePath(points)).toBe(d))
})

describe('label placement', () => {
  it.each([
    [60, 40, 1],
    [20, 40, 2],
    [13, 40, 4],
    [0, 40, 1],
  ])('points %i px apart, labels %i px wide: every %i-th', (spacing, min, stride) => {
    expect(labelStride(spacing, min)).toBe(stride)
  })
  it.each([
    [0, 10, 3, true],
    [1, 10, 3, false],
    [3, 10, 3, true],
    [9, 10, 3, true],
  ])('point %i of %i, stride %i: labelled %s', (i, count, stride, out) => {
    expect(isLabelled(i, count, stride)).toBe(out)
  })
  it.each([
    [0.8, 0.6, true, 'above'],
    [0.8, 0.6, false, 'above'],
    [0.6, 0.8, true, 'below'],
    [0.6, 0.6, true, 'above'],
    [0.6, 0.6, false, 'below'],
    [0.6, null, false, 'above'],
  ] as const)('%s against %s (wins ties: %s) goes %s', (v, other, wins, side) => {
    expect(labelSide(v, other, wins)).toBe(side)
  })
})

describe('heat colours', () => {
  it.each([
    [0, '#ffffff', '#1b1f24'],
    [1, '#1f3f9a', '#ffffff'],
    [-1, '#b42318', '#ffffff'],
    [0.5, '#8f9fcd', '#1b1f24'],
    [2, '#1f3f9a', '#ffffff'],
    [null, '#eef0f3', '#1b1f24'],
  ])('%s fills %s with %s text', (value, fill, text) => {
    expect(heatColor(value)).toBe(fill)
    expect(textColorOn(heatColor(value))).toBe(text)
  })
  it('falls back to dark text on an unparsable colour', () => {
    expect(textColorOn('red')).toBe('#1b1f24')
  })
})

describe('truncate', () => {
  it.each([
    ['short', 10, 'short'],
    ['a longer label', 8, 'a longe…'],
  ])('%s to %i', (text, max, out) => expect(truncate(text, max)).toBe(out))
})

describe('filters in the query string', () => {
  it.each([
    [{ label: '', annotator: '', from: '', to: '' }, ''],
    [{ label: 'pos', annotator: '', from: '', to: '' }, 'label=pos'],
    [
      { label: 'a b', annotator: 'u1', from: '2024-01-01', to: '2024-02-01' },
      'label=a+b&annotator=u1&from=2024-01-01&to=2024-02-01',
    ],
  ])('%j is %s and back', (filters, query) => {
    expect(filtersToQuery(filters)).toBe(query)
    expect(filtersFromQuery('?' + query)).toEqual(filters)
  })
  it('drops dates that are not YYYY-MM-DD', () => {
    expect(filtersFromQuery('from=yesterday&to=2024-1-1')).toEqual({
      label: '',
      annotator: '',
      from: '',
      to: '',
    })
  })
})
