import { describe, expect, it } from 'vitest';
import { chapterLabel, chineseNumeral, clauseLabel } from '$lib/rules/numbering';

describe('Chinese numerals for clause and chapter numbers', () => {
	it.each([
		[0, '零'],
		[1, '一'],
		[9, '九'],
		[10, '十'],
		[11, '十一'],
		[19, '十九'],
		[20, '二十'],
		[21, '二十一'],
		[99, '九十九'],
		[100, '一百'],
		[101, '一百零一'],
		[110, '一百一十'],
		[111, '一百一十一'],
		[120, '一百二十'],
		[1000, '一千'],
		[1001, '一千零一'],
		[1010, '一千零一十'],
		[1100, '一千一百'],
		[2024, '二千零二十四'],
		[10000, '一万'],
		[10001, '一万零一'],
		[10010, '一万零一十'],
		[10500, '一万零五百'],
		[100000, '十万'],
		[110000, '十一万'],
		[1000000, '一百万'],
		[100000001, '一亿零一'],
		[100010000, '一亿零一万']
	])('writes %i as %s', (n, expected) => {
		expect(chineseNumeral(n)).toBe(expected);
	});

	it('refuses what is not a whole non-negative number', () => {
		expect(() => chineseNumeral(-1)).toThrow(RangeError);
		expect(() => chineseNumeral(1.5)).toThrow(RangeError);
		expect(() => chineseNumeral(Number.NaN)).toThrow(RangeError);
	});

	it('labels clauses 第N条 and chapters 第N章', () => {
		expect(clauseLabel(1)).toBe('第一条');
		expect(clauseLabel(11)).toBe('第十一条');
		expect(clauseLabel(101)).toBe('第一百零一条');
		expect(chapterLabel(2)).toBe('第二章');
		expect(chapterLabel(10)).toBe('第十章');
	});
});
