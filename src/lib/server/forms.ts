/**
 * Helpers for form actions: parse FormData against a schema, and turn a domain error into a
 * `fail()` with a coded message the page shows in the user's language.
 */
import { fail, type ActionFailure } from '@sveltejs/kit';
import * as v from 'valibot';
import { isDomainError } from './domain/errors';
import { httpStatus } from './http-status';

/** What is wrong with one field: left empty, longer than `max`, or not one of the allowed values. */
export type FieldProblem =
	| { field: string; problem: 'MISSING' | 'INVALID' }
	| { field: string; problem: 'TOO_LONG'; max: number; length: number };

export type FormFailure = {
	code: string;
	/** The first bad field (forms that name one field read this). */
	field?: string;
	/** Every bad field, in the schema's order, so a form can name them all at once. */
	problems?: FieldProblem[];
	values?: Record<string, string>;
	details?: unknown;
};

export function formValues(data: FormData): Record<string, string> {
	const values: Record<string, string> = {};
	for (const [k, val] of data) if (typeof val === 'string') values[k] = val;
	return values;
}

/** Parses text fields of a form; on failure returns `fail(400)` naming every bad field. */
export function parseForm<S extends v.GenericSchema>(
	schema: S,
	data: FormData
): { ok: true; output: v.InferOutput<S> } | { ok: false; failure: ActionFailure<FormFailure> } {
	const values = formValues(data);
	const result = v.safeParse(schema, values);
	if (result.success) return { ok: true, output: result.output };
	const problems = fieldProblems(result.issues);
	return {
		ok: false,
		failure: fail(400, {
			code: 'INVALID_INPUT',
			field: problems[0]?.field,
			problems,
			values: withoutSecrets(values)
		})
	};
}

/** One problem per field (its first issue), in the order valibot met them. */
function fieldProblems(issues: readonly v.BaseIssue<unknown>[]): FieldProblem[] {
	const problems: FieldProblem[] = [];
	for (const issue of issues) {
		const field = issue.path?.[0]?.key;
		if (typeof field !== 'string' || problems.some((p) => p.field === field)) continue;
		const input = issue.input;
		if (input === undefined || (issue.type === 'min_length' && input === '')) {
			problems.push({ field, problem: 'MISSING' });
		} else if (issue.type === 'max_length' && typeof input === 'string') {
			problems.push({ field, problem: 'TOO_LONG', max: Number(issue.requirement), length: input.length });
		} else {
			problems.push({ field, problem: 'INVALID' });
		}
	}
	return problems;
}

function withoutSecrets(values: Record<string, string>) {
	const { password: _p, ...rest } = values;
	return rest;
}

/** Runs a domain call; domain errors become `fail(4xx)`, anything else is rethrown (SvelteKit logs it). */
export async function runAction<T>(
	run: () => T | Promise<T>,
	values?: Record<string, string>
): Promise<T | ActionFailure<FormFailure>> {
	try {
		return await run();
	} catch (e) {
		if (!isDomainError(e)) throw e;
		return fail(httpStatus(e.code), {
			code: e.code,
			details: e.details,
			values: values && withoutSecrets(values)
		});
	}
}
