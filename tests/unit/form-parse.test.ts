/**
 * parseForm names every field that is wrong, with what is wrong with it, so a form can say all of it
 * at once (a resident should not have to submit three times to learn of three empty fields).
 */
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { parseForm } from '$lib/server/forms';

const Schema = v.object({
	title: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(80)),
	description: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(2000)),
	category: v.picklist(['a', 'b'])
});

function form(fields: Record<string, string>) {
	const data = new FormData();
	for (const [k, val] of Object.entries(fields)) data.set(k, val);
	return data;
}

function failureOf(fields: Record<string, string>) {
	const parsed = parseForm(Schema, form(fields));
	if (parsed.ok) throw new Error('expected a failure');
	return parsed.failure.data;
}

describe('parseForm', () => {
	it('names every missing field, not only the first', () => {
		const f = failureOf({ title: '  ', description: '', category: 'a' });
		expect(f.code).toBe('INVALID_INPUT');
		expect(f.field).toBe('title');
		expect(f.problems).toEqual([
			{ field: 'title', problem: 'MISSING' },
			{ field: 'description', problem: 'MISSING' }
		]);
	});

	it('says a field is too long, with its limit and its length', () => {
		const f = failureOf({ title: '灯'.repeat(5000), description: '三楼', category: 'a' });
		expect(f.problems).toEqual([{ field: 'title', problem: 'TOO_LONG', max: 80, length: 5000 }]);
	});

	it('calls a field left out of the form missing and a wrong choice invalid', () => {
		const f = failureOf({ title: '灯', category: 'z' });
		expect(f.problems).toEqual([
			{ field: 'description', problem: 'MISSING' },
			{ field: 'category', problem: 'INVALID' }
		]);
	});

	it('passes a good form through', () => {
		const parsed = parseForm(Schema, form({ title: ' 灯 ', description: '三楼', category: 'b' }));
		expect(parsed).toEqual({ ok: true, output: { title: '灯', description: '三楼', category: 'b' } });
	});
});
