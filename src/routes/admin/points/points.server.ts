/** Field schemas of the points forms: numbers pass through as typed, the domain decides their range. */
import * as v from 'valibot';

export const points = v.pipe(v.string(), v.trim(), v.regex(/^-?\d{1,12}$/), v.transform(Number));
/** Empty means "the rule's amount" or "no cap". */
export const optionalPoints = v.pipe(
	v.optional(v.string(), ''),
	v.trim(),
	v.regex(/^(?:-?\d{1,12})?$/),
	v.transform((s) => (s ? Number(s) : null))
);
export const note = v.pipe(v.optional(v.string(), ''), v.maxLength(1000));
