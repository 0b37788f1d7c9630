/**
 * The documents link screenshots the end-to-end suite makes and files that move as the code moves:
 * a renamed screenshot or file would leave a manual page with a broken picture nobody notices.
 * Every image and relative link in README.md, CHANGELOG.md and docs/** must point to a file that exists.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

function markdownFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return markdownFiles(path);
		return name.endsWith('.md') ? [path] : [];
	});
}

/** Targets of `[text](target)`, `![alt](target)` and `<img src="target">`, outside code. */
export function linkTargets(markdown: string): string[] {
	const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
	const targets: string[] = [];
	for (const match of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(match[1]);
	for (const match of prose.matchAll(/<img\b[^>]*\bsrc="([^"]+)"/g)) targets.push(match[1]);
	return targets;
}

/** A link to check on disk: not a web address, mail link or in-page anchor; without its #anchor. */
function localPath(target: string): string | null {
	if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#') || target.startsWith('/')) return null;
	return decodeURI(target.split('#')[0].split('?')[0]);
}

export function brokenLinks(files: string[]): string[] {
	const broken: string[] = [];
	for (const file of files) {
		for (const target of linkTargets(readFileSync(file, 'utf8'))) {
			const path = localPath(target);
			if (path && !existsSync(join(dirname(file), path))) broken.push(`${file} → ${target}`);
		}
	}
	return broken;
}

const files = ['README.md', 'CHANGELOG.md', ...markdownFiles('docs')].filter((f) => existsSync(f));

describe('links in the documents', () => {
	it('finds the documents and their links', () => {
		expect(files).toContain('README.md');
		expect(files.some((f) => f.startsWith('docs/manual/'))).toBe(true);
		expect(linkTargets(readFileSync('README.md', 'utf8')).length).toBeGreaterThan(5);
	});

	it('points every image and relative link at a file that exists', () => {
		expect(brokenLinks(files)).toEqual([]);
	});

	it('notices a missing image, a missing file and ignores code and web addresses', () => {
		const markdown = [
			'![a](screenshots/none.png) [b](missing.md#part) <img src="gone.png" alt="">',
			'[web](https://example.cn) [here](#top) `[code](nowhere.md)`',
			'```\n![x](in-code.png)\n```'
		].join('\n');
		expect(linkTargets(markdown)).toEqual([
			'screenshots/none.png',
			'missing.md#part',
			'https://example.cn',
			'#top',
			'gone.png'
		]);
		const dir = mkdtempSync(join(tmpdir(), 'docs-links-'));
		writeFileSync(join(dir, 'here.md'), '');
		writeFileSync(join(dir, 'page.md'), `${markdown}\n[ok](here.md)`);
		expect(brokenLinks([join(dir, 'page.md')]).map((b) => b.split(' → ')[1])).toEqual([
			'screenshots/none.png',
			'missing.md#part',
			'gone.png'
		]);
	});
});
