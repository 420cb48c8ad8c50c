import js from '@eslint/js'
import pluginVue from 'eslint-plugin-vue'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['out/', 'dist/', 'node_modules/', 'coverage/', 'test-results/', 'bench/.work/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    // Type information comes from the tsconfig that includes each file (tsconfig.json references them all).
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    // Plain JS (scripts, bench, configs) has no types to check; .vue files would need Vue's language
    // tools for real types (imports of other .vue files would be `any`), so both keep the untyped rules.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs', '**/*.d.mts', '**/*.vue'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      // `_`-prefixed names are deliberately unused (callback positions, destructured leftovers).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      // `import('x').T` in a type position is how a type is named without a run-time import.
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name='only']", message: 'Do not commit .only in tests.' },
        // `import { z }` brings zod's whole namespace object into the bundle (391 KB, 18 ms on every CLI
        // start); a namespace import lets the bundler keep only what the schemas use (203 KB, 9 ms).
        {
          selector: "ImportDeclaration[source.value='zod'][importKind!='type'] > ImportSpecifier[imported.name='z']",
          message: "Import zod as a namespace: import * as z from 'zod'.",
        },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      // Methods here are plain closures in object literals (no `this`), so passing them along is safe.
      '@typescript-eslint/unbound-method': 'off',
      // `async` without `await` is how a function meets a promise-returning interface and turns throws into rejections.
      '@typescript-eslint/require-await': 'off',
      // Passing a caught `unknown` on to reject() keeps the original error; wrapping it would lose it.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // ws types a message as Buffer | ArrayBuffer | Buffer[]; ArrayBuffer only comes with a binaryType we never set.
      '@typescript-eslint/no-base-to-string': [
        'error',
        { ignoredTypeNames: ['Error', 'RegExp', 'URL', 'URLSearchParams', 'ArrayBuffer'] },
      ],
    },
  },
  {
    // Commander hands actions their arguments and options as `any`; the option declarations and the zod spec schemas check them.
    files: ['src/cli/commands/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Imports of .vue components are typed by vue-tsc only; to typescript-eslint they are error types.
    files: ['src/renderer/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-argument': 'off' },
  },
  {
    // Tests read JSON output, mocks and fixtures loosely on purpose; their assertions are the check.
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      // Child-process and socket chunks are appended to strings as text.
      '@typescript-eslint/restrict-plus-operands': 'off',
    },
  },
  {
    // Tests may reach for a CommonJS helper inline; shipped code may not.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/renderer/**', 'test/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      // Text from the outside world (titles, logs, file names) is rendered as text, never HTML.
      'vue/no-v-html': 'error',
    },
  },
  {
    // Formatting is Prettier's job; these stylistic Vue rules would only fight it.
    rules: {
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
    },
  },
)
