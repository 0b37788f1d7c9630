/**
 * English screens get English punctuation and plurals: no full-width colon or bracket glued to a
 * value in the markup (the words come from messages/, where each language has its own), and counts
 * agree with their nouns ("1 vote", "2 votes").
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { m } from '$lib/paraglide/messages';

const SRC = join(process.cwd(), 'src');
/** Text that is Chinese whatever the language: generated poll questions and the rules' own text. */
const CHINESE_ONLY = new Set([
	'lib/server/domain/rules-adoption.ts',
	'lib/server/domain/demo-seed.ts',
	'lib/components/rules/RulesText.svelte',
	'lib/components/rules/commands.ts',
	'lib/presets.ts'
]);

function sourceFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (name === 'paraglide') return [];
		if (statSync(path).isDirectory()) return sourceFiles(path);
		return /\.(svelte|ts)$/.test(name) ? [path] : [];
	});
}

/** Full-width punctuation written next to a value or a tag, where a message should supply it. */
const GLUED = /[}>`]\s*[：（。]|[：（）。]\s*[{<]|[（。：]\$\{|\}）/;

describe('English words', () => {
	it('leaves no full-width punctuation glued to values in the markup', () => {
		const offenders = sourceFiles(SRC)
			.filter((f) => !CHINESE_ONLY.has(relative(SRC, f)))
			.flatMap((f) =>
				readFileSync(f, 'utf8')
					.split('\n')
					.map((line, i) => ({ where: `${relative(SRC, f)}:${i + 1}`, line: line.trim() }))
					.filter(({ line }) => !/^(\/\/|\*|\/\*|<!--)/.test(line) && GLUED.test(line))
					.map(({ where, line }) => `${where}  ${line}`)
			);
		expect(offenders).toEqual([]);
	});

	it('puts a colon and brackets the English way, and the Chinese way in Chinese', () => {
		const en = { locale: 'en' } as const;
		const zh = { locale: 'zh' } as const;
		expect(m.punct_label_value({ label: 'For', value: '5 votes' }, en)).toBe('For: 5 votes');
		expect(m.punct_label_value({ label: '同意', value: '5 票' }, zh)).toBe('同意：5 票');
		expect(m.punct_aside({ text: 'carried' }, en)).toBe(' (carried)');
		expect(m.punct_aside({ text: '通过' }, zh)).toBe('（通过）');
	});

	it('says 1 vote, 2 votes, and the like', () => {
		const en = { locale: 'en' } as const;
		expect(m.poll_votes({ count: 1 }, en)).toBe('1 vote');
		expect(m.poll_votes({ count: 2 }, en)).toBe('2 votes');
		expect(m.poll_votes({ count: 0 }, en)).toBe('0 votes');
		expect(m.minutes_poll_votes({ count: 1 }, en)).toBe('1 vote');
		expect(m.points_balance_value({ n: 1 }, en)).toBe('1 point');
		expect(m.dashboard_days({ days: 1 }, en)).toBe('1 day');
		expect(m.error_RATE_LIMITED({ minutes: 1 }, en)).toBe('Too many attempts. Please try again in 1 minute.');
		expect(m.poll_votes({ count: 1 }, { locale: 'zh' })).toBe(
			m.poll_votes({ count: 2 }, { locale: 'zh' }).replace('2', '1')
		);
	});

	it('leaves no English message with a count before a plural noun outside a plural variant', () => {
		const dir = join(process.cwd(), 'messages');
		const files = [
			join(dir, 'en.json'),
			...readdirSync(dir)
				.filter((d) => !d.endsWith('.json'))
				.map((d) => join(dir, d, 'en.json'))
		];
		const singularless = files.flatMap((f) =>
			Object.entries(JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>)
				.filter(
					([, v]) =>
						typeof v === 'string' &&
						/\{(count|n|minutes|days|amount|clauses|total|eligible|short)\} (?:more |new )?[a-z]+s\b/.test(v)
				)
				.map(([k, v]) => `${k}: ${v}`)
		);
		expect(singularless).toEqual([]);
	});
});
