import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	{
		ignores: [
			'build/',
			'.svelte-kit/',
			'src/lib/paraglide/',
			'drizzle/',
			'test-results/',
			'playwright-report/'
		]
	},
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			'no-undef': 'off', // TypeScript checks this better
			// The app has no base path, so plain hrefs are right; resolve() would only add noise.
			'svelte/no-navigation-without-resolve': 'off',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
			// Paraglide messages tree-shake only when named statically (m.key); casting the namespace to
			// look keys up at run time keeps every message of every page in the bundle (docs/benchmarks.md).
			'no-restricted-syntax': [
				'error',
				{
					selector: "TSAsExpression > Identifier.expression[name='m']",
					message:
						'Do not cast the messages namespace; look messages up in a static map (e.g. { admin: m.role_admin }).'
				}
			]
		}
	},
	{
		// Type-aware rules: a forgotten `await` on a storage call loses data without an error.
		files: ['**/*.ts', '**/*.svelte'],
		languageOptions: {
			parserOptions: {
				projectService: {
					// These config files are in no tsconfig; SvelteKit keeps the service worker out of its own
					// (it runs with the web worker's globals, not the DOM's).
					allowDefaultProject: [
						'vitest.config.ts',
						'drizzle.config.ts',
						'playwright.config.ts',
						'src/service-worker.ts'
					]
				},
				tsconfigRootDir: import.meta.dirname,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		},
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': 'error'
		}
	},
	{
		// The domain holds the rules; words, transports, configuration and pages live at the edge
		// (docs/architecture.md).
		files: ['src/lib/server/domain/**'],
		rules: {
			'@typescript-eslint/no-restricted-imports': [
				'error',
				{
					paths: [
						{ name: 'socket.io', message: 'The domain knows no transport; see docs/architecture.md.' },
						{ name: 'ws', message: 'The domain knows no transport; see docs/architecture.md.' },
						{ name: '@sveltejs/kit', message: 'Throw a DomainError; the edge maps it to a status.' },
						{ name: '$lib/i18n', message: 'Words belong at the edge or in src/lib/*-labels.ts.' }
					],
					patterns: [
						{
							group: ['$lib/components/*', '**/routes/*', '$app/*', '$env/*'],
							message: 'The domain imports no UI, routes or environment; see docs/architecture.md.'
						},
						{
							group: ['$lib/paraglide/*', '**/paraglide/*'],
							message: 'Words belong at the edge or in src/lib/*-labels.ts.'
						},
						{
							group: [
								'../yjs',
								'../yjs/*',
								'../realtime/*',
								'$lib/server/yjs',
								'$lib/server/realtime',
								'../realtime',
								'$lib/server/yjs/*',
								'$lib/server/realtime/*'
							],
							message: 'The domain reaches documents and sockets through domain/ports.ts.'
						}
					]
				}
			]
		}
	},
	{
		// Pages and components ask the domain; only the domain speaks SQL. Storage comes from
		// `locals.services`, made once at start (src/lib/server/services.ts), never opened or looked up here.
		files: ['src/routes/**', 'src/lib/components/**'],
		rules: {
			'@typescript-eslint/no-restricted-imports': [
				'error',
				{
					paths: [
						{
							name: '$lib/server/db',
							allowTypeImports: true,
							message: 'Take the database from locals.services (docs/architecture.md).'
						},
						{
							name: '$lib/server/yjs',
							allowTypeImports: true,
							message: 'Take the documents from locals.services (docs/architecture.md).'
						},
						{
							name: '$lib/server/realtime',
							importNames: ['attachRealtime', 'getYjs'],
							message: 'Take the documents from locals.services (docs/architecture.md).'
						}
					],
					patterns: [
						{
							group: ['drizzle-orm', 'drizzle-orm/*', '$lib/server/db/schema', '$lib/server/db/schema-*'],
							allowTypeImports: true,
							message: 'Routes and components call the domain, which owns the queries (docs/architecture.md).'
						}
					]
				}
			]
		}
	}
);
