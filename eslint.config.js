// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

// Pure packages must stay deterministic and I/O-free: time and randomness are passed in.
const pureRestrictions = {
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        {
          group: ['node:*', 'fs', 'path', 'http', 'crypto', 'child_process'],
          message: 'No I/O in pure packages.',
        },
        {
          group: ['hono', 'hono/*', 'kysely', 'better-sqlite3', 'ws', '@concord/server'],
          message: 'Pure packages do not depend on the server stack.',
        },
      ],
    },
  ],
  'no-restricted-globals': [
    'error',
    { name: 'setTimeout', message: 'Inject a clock instead.' },
    { name: 'setInterval', message: 'Inject a clock instead.' },
    { name: 'setImmediate', message: 'Inject a scheduler instead.' },
    { name: 'process', message: 'No process access in pure packages.' },
    { name: 'fetch', message: 'No I/O in pure packages.' },
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: 'Pass the time in.' },
    { object: 'Math', property: 'random', message: 'Pass a seeded random source in.' },
  ],
}

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '.data/**',
      'test-artifacts/**',
      'bench-results/**',
      '**/.tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['packages/metrics/src/**/*.ts', 'packages/core/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: pureRestrictions,
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
)
