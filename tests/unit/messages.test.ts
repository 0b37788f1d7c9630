/**
 * The interface's words are split over several files per language (project.inlang/settings.json).
 * Paraglide merges them silently, so a key defined in two files would show one page another page's
 * words; and a key missing in one language would show the key itself.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const settings = JSON.parse(readFileSync('project.inlang/settings.json', 'utf8'));
const patterns: string[] = settings['plugin.inlang.messageFormat'].pathPattern;
const keysOf = (path: string) =>
	Object.keys(JSON.parse(readFileSync(path, 'utf8'))).filter((k) => k !== '$schema');

describe('message files', () => {
	for (const locale of settings.locales as string[]) {
		it(`defines each ${locale} key in one file only`, () => {
			const seen = new Map<string, string>();
			const twice: string[] = [];
			for (const pattern of patterns) {
				const file = pattern.replace('{locale}', locale);
				for (const key of keysOf(file)) {
					if (seen.has(key)) twice.push(`${key} in ${seen.get(key)} and ${file}`);
					seen.set(key, file);
				}
			}
			expect(twice).toEqual([]);
		});
	}

	it('gives every file the same keys in every language', () => {
		for (const pattern of patterns) {
			const [first, ...rest] = (settings.locales as string[]).map((l) =>
				keysOf(pattern.replace('{locale}', l)).sort()
			);
			for (const other of rest) expect(other, pattern).toEqual(first);
		}
	});
});
