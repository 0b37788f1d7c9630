/**
 * Turns a handler's result or thrown error into the one ack envelope, and validates payloads.
 * Unexpected errors are logged and answered with a generic code: no stack trace reaches a client.
 */
import * as v from 'valibot';
import type { Ack } from '$lib/realtime/protocol';
import { DomainError, isDomainError } from '../domain/errors';

export async function answer<T>(ack: unknown, run: () => T | Promise<T>): Promise<void> {
	let res: Ack<T>;
	try {
		res = { ok: true, data: await run() };
	} catch (e) {
		if (isDomainError(e)) res = { ok: false, error: { code: e.code, message: e.code } };
		else {
			console.error('socket handler failed', e);
			res = { ok: false, error: { code: 'INTERNAL', message: 'INTERNAL' } };
		}
	}
	if (typeof ack === 'function') ack(res);
}

/** Parses a payload against a strict schema (unknown keys rejected) or throws INVALID_INPUT. */
export function parsePayload<S extends v.GenericSchema>(schema: S, payload: unknown): v.InferOutput<S> {
	const result = v.safeParse(schema, payload);
	if (!result.success)
		throw new DomainError('INVALID_INPUT', { issues: result.issues.map((i) => i.message) });
	return result.output;
}
