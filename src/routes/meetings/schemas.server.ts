/** Form fields the meeting pages share. */
import * as v from 'valibot';

export const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));

/** `<input type=datetime-local>` sends wall-clock time without a zone; meetings are held in China (UTC+8). */
export const chinaTime = v.pipe(
	v.string(),
	v.trim(),
	v.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?$/),
	v.transform((s) => new Date(`${s.length === 16 ? s + ':00' : s}+08:00`)),
	v.check((d) => !Number.isNaN(d.getTime()))
);

/** The value a datetime-local field shows for a time, in China time. */
export const chinaTimeValue = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 16);

export const MeetingId = v.pipe(v.string(), v.regex(/^[1-9]\d{0,14}$/), v.transform(Number));
