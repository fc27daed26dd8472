import { describe, expect, it } from 'vitest'
import { cutAtWord, emailToText, htmlToText, parseEmail } from './email-text'

const lines = (...l: string[]) => l.join('\n')

describe('parseEmail', () => {
  it('reads a plain message: folded headers, encoded words, masked sender', () => {
    const raw = lines(
      'Return-Path: <jane@example.com>',
      'From: "Jane Doe" <jane.doe@example.com>',
      'Subject: =?utf-8?Q?Caf=C3=A9_tomorrow?=',
      '  =?iso-8859-1?B?Pw==?=',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'Hi Bob,',
      '',
      '',
      '',
      'are   we still on\tfor coffee?   ',
      '',
      '-- Jane',
    )
    expect(parseEmail(raw)).toEqual({
      subject: 'Café tomorrow?',
      from: 'Jane Doe <j…@example.com>',
      body: 'Hi Bob,\n\nare we still on for coffee?\n\n-- Jane',
    })
  })

  it('masks every form of sender', () => {
    const from = (value: string) => parseEmail(`From: ${value}\n\nbody`).from
    expect(from('bob@example.org')).toBe('b…@example.org')
    expect(from('bob@example.org (Bob Smith)')).toBe('Bob Smith <b…@example.org>')
    expect(from('<bob@example.org>')).toBe('b…@example.org')
    expect(from('"Smith, Bob" <bob@example.org>')).toBe('Smith, Bob <b…@example.org>')
    expect(from('')).toBe('')
  })

  it('prefers the text/plain part of multipart/alternative and decodes quoted-printable', () => {
    const raw = lines(
      'From: Shop <news@shop.example>',
      'Subject: Sale',
      'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary="b1"',
      '',
      'This is a multi-part message in MIME format.',
      '--b1',
      'Content-Type: text/plain; charset="iso-8859-1"',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Caf=E9 cr=E8me, 50% off this we=',
      'ek only.',
      '--b1',
      'Content-Type: text/html',
      '',
      '<p>HTML version</p>',
      '--b1--',
      'epilogue',
    )
    expect(parseEmail(raw).body).toBe('Café crème, 50% off this week only.')
  })

  it('reduces an HTML-only message (base64, nested in multipart/mixed) to text', () => {
    const html =
      '<html><head><title>T</title><style>p{color:red}</style></head><body>' +
      '<script>alert(1)</script><!-- tracking -->' +
      '<p>Dear\n  friend,</p><p>Win a <b>FREE</b>&nbsp;cruise &amp; more!<br>Click ' +
      '<a href="http://x.example">here</a>.</p><ul><li>one</li><li>two</li></ul>' +
      '<table><tr><td>a</td><td>b</td></tr></table>&#8364;5 &#x263A; &bogus;</body></html>'
    const raw = lines(
      'From: winner@lotto.example',
      'Subject: You won',
      'Content-Type: multipart/mixed; boundary=outer',
      '',
      '--outer',
      'Content-Type: multipart/alternative; boundary="inner"',
      '',
      '--inner',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      ...(Buffer.from(html, 'utf8')
        .toString('base64')
        .match(/.{1,76}/g) ?? []),
      '--inner--',
      '--outer',
      'Content-Type: text/plain; name="notes.txt"',
      'Content-Disposition: attachment; filename="notes.txt"',
      '',
      'an attachment, not the body',
      '--outer--',
    )
    expect(parseEmail(raw).body).toBe(
      'Dear friend,\n\nWin a FREE cruise & more!\nClick here.\n\n• one\n• two\n\na b\n\n€5 ☺ &bogus;',
    )
  })

  it('treats markup sent as text/plain as HTML', () => {
    const raw = lines(
      'From: a@b.example',
      'Subject: Offer',
      '',
      '<html><body><p>Cheap <font color=red>pills</font></p><br><div>now</div></body></html>',
    )
    expect(parseEmail(raw).body).toBe('Cheap pills\n\nnow')
  })

  it('decodes a charset declared through a mangled quoted-printable label', () => {
    const raw = lines(
      'From: a@b.example',
      'Content-Type: text/plain; charset=3Dwindows-1252',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      '=93quoted=94 =96 dash',
    )
    expect(parseEmail(raw).body).toBe('“quoted” – dash')
  })
})

describe('emailToText', () => {
  it('puts subject and sender above the body', () => {
    expect(emailToText('From: Al <al@x.example>\nSubject: Hi\n\nHello there')).toBe(
      'Subject: Hi\nFrom: Al <a…@x.example>\n\nHello there',
    )
    expect(emailToText('X-Nothing: 1\n\nbody')).toBe(
      'Subject: (no subject)\nFrom: (unknown sender)\n\nbody',
    )
  })

  it('cuts long mail at a word boundary', () => {
    const body = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ')
    const text = emailToText(`From: a@b.example\nSubject: Long\n\n${body}`)
    expect(text.length).toBeLessThanOrEqual(1200)
    expect(text.length).toBeGreaterThan(1100)
    expect(text.endsWith('…')).toBe(true)
    expect(text.slice(0, -1)).toMatch(/ word\d+$/)
    expect(body).toContain(`${text.slice(0, -1).split('\n\n')[1]} `)
  })
})

describe('helpers', () => {
  it('cutAtWord keeps short text and hard-cuts a text without spaces', () => {
    expect(cutAtWord('short', 10)).toBe('short')
    expect(cutAtWord('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)}…`)
    expect(cutAtWord('aaaa bbbb cccc', 12)).toBe('aaaa bbbb…')
  })

  it('htmlToText drops unterminated comments and scripts', () => {
    expect(htmlToText('<p>kept</p><!-- open').trim()).toBe('kept')
    expect(htmlToText('a<script>b').trim()).toBe('a')
  })
})
