import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { tableOwnership } from './lint/tableOwnership.mjs';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // One module owns each shared table (lint/tableOwners.mjs).
    files: ['**/*.ts'],
    plugins: { bxsup: { rules: { 'table-owner': tableOwnership } } },
    rules: { 'bxsup/table-owner': 'error' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { module: 'writable', require: 'readonly', process: 'readonly' } },
  },
);
