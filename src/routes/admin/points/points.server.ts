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
/** The key the page made when it showed the form (see `requestKey` in the ledger); optional for scripts. */
export const requestKey = v.pipe(
	v.optional(v.string(), ''),
	v.regex(/^(?:[A-Za-z0-9-]{16,64})?$/),
	v.transform((s) => s || null)
);
