// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

/**
 * Layering rules of DESIGN.md §2, checked on every import (not by memory):
 *  - src-shared: pure TypeScript — no node:*, no Node built-ins, no electron, no DOM, no other top folder
 *  - src-renderer: only src-shared (and browser packages)
 *  - src-main/core: never electron, never the renderer or server
 *  - src-server: never src-main or src-renderer
 */
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const folder = (name) => [`**/${name}`, `**/${name}/**`];

const layers = {
  'src-shared/**/*.ts': {
    paths: [...nodeBuiltins, 'electron', 'react', 'react-dom', 'better-sqlite3', 'ws'],
    patterns: [
      { group: ['node:*'], message: 'src-shared is pure TypeScript: no Node modules.' },
      { group: ['electron', 'electron/*'], message: 'src-shared may not import electron.' },
      { group: [...folder('src-main'), ...folder('src-renderer'), ...folder('src-server'), ...folder('db'), ...folder('bench'), ...folder('e2e')], message: 'src-shared imports nothing of the other folders.' },
    ],
  },
  'src-renderer/**/*.{ts,tsx}': {
    paths: [...nodeBuiltins, 'electron', 'better-sqlite3', 'kysely', 'ws'],
    patterns: [
      { group: ['node:*'], message: 'The renderer has no Node: talk to window.clinic.' },
      { group: ['electron', 'electron/*'], message: 'The renderer may not import electron: talk to window.clinic.' },
      { group: [...folder('src-main'), ...folder('src-server'), ...folder('db'), ...folder('bench'), ...folder('e2e')], message: 'src-renderer imports only src-shared.' },
    ],
  },
  'src-main/core/**/*.ts': {
    paths: ['electron'],
    patterns: [
      { group: ['electron', 'electron/*'], message: 'src-main/core runs in plain Node: never import electron.' },
      { group: [...folder('src-renderer'), ...folder('src-server'), ...folder('electron'), ...folder('host')], message: 'src-main/core may not import the renderer, the server, the Electron shell or browser mode.' },
    ],
  },
  'src-main/host/**/*.ts': {
    paths: ['electron'],
    patterns: [
      { group: ['electron', 'electron/*'], message: 'Browser mode runs without Electron.' },
      { group: [...folder('src-renderer'), ...folder('src-server'), ...folder('electron')], message: 'Browser mode may not import the renderer, the server or the Electron shell.' },
    ],
  },
  'src-server/**/*.ts': {
    paths: ['electron'],
    patterns: [
      { group: ['electron', 'electron/*'], message: 'The sync server never imports electron.' },
      { group: [...folder('src-main'), ...folder('src-renderer')], message: 'src-server never imports src-main or src-renderer.' },
    ],
  },
};

export const layerConfigs = Object.entries(layers).map(([files, { paths, patterns }]) => ({
  files: [files],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: paths.map((name) => ({ name, message: `Not allowed in ${files.split('/')[0]} (DESIGN.md §2 layering).` })),
        patterns,
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'e2e/output/**', 'test-results/**', 'playwright-report/**', 'bench/results/**', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    // src-shared runs everywhere: no browser or Node globals either (its tsconfig has no DOM or Node types).
    files: ['src-shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'process', 'Buffer', 'require', '__dirname', 'global'],
    },
  },
  {
    files: ['scripts/**', 'bench/**', 'e2e/**'],
    rules: { 'no-console': 'off' },
  },
  ...layerConfigs,
);
