import { describe, expect, it } from 'vitest';
import { chinaDate, isOverdue, ratingOutcome, shownStatus } from '$lib/followup';

const at = (iso: string) => Date.parse(iso);

describe('overdue, computed from the due day', () => {
	it('is overdue only after the due day ends in China time, and never once done or closed', () => {
		const f = { status: 'inProgress' as const, dueOn: '2026-12-01' };
		expect(isOverdue(f, at('2026-12-01T15:59:00Z'))).toBe(false); // 23:59 in China
		expect(isOverdue(f, at('2026-12-01T16:00:00Z'))).toBe(true); // 00:00 next day in China
		expect(isOverdue({ ...f, status: 'done' }, at('2027-01-01T00:00:00Z'))).toBe(false);
		expect(isOverdue({ ...f, status: 'closed' }, at('2027-01-01T00:00:00Z'))).toBe(false);
		expect(isOverdue({ ...f, status: 'reopened' }, at('2027-01-01T00:00:00Z'))).toBe(true);
		expect(isOverdue({ ...f, dueOn: null }, at('2027-01-01T00:00:00Z'))).toBe(false);
		expect(shownStatus(f, at('2026-12-05T00:00:00Z'))).toBe('overdue');
		expect(chinaDate(at('2026-11-30T17:00:00Z'))).toBe('2026-12-01');
	});
});

describe('closing a rating round', () => {
	it('closes at 60% satisfied or basically satisfied, inclusive, and reopens below or with no ratings', () => {
		expect(ratingOutcome({ satisfied: 2, basic: 1, unsatisfied: 2 })).toBe('closed'); // exactly 3 of 5
		expect(ratingOutcome({ satisfied: 2, basic: 0, unsatisfied: 2 })).toBe('reopened'); // 2 of 4
		expect(ratingOutcome({ satisfied: 5, basic: 0, unsatisfied: 4 })).toBe('reopened'); // 5 of 9 < 60%
		expect(ratingOutcome({ satisfied: 0, basic: 6, unsatisfied: 4 })).toBe('closed');
		expect(ratingOutcome({ satisfied: 0, basic: 0, unsatisfied: 0 })).toBe('reopened');
	});
});
