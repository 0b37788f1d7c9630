/**
 * The rotating check-in code: what a phone must show to be counted present. The fixed join code
 * never changes during a meeting, so a photo of the projector in the building's WeChat group would
 * check people in from home; the rotating code changes every 45 s and a photo is stale within a minute.
 *
 * It is an HOTP (RFC 4226, six digits) of the meeting's own secret and the number of the 45-s window,
 * as authenticator apps do with TOTP: nothing per code is stored, a restart shows the same code, and
 * every node of a cluster computes the same one from the meeting row. The code shown just before the
 * change stays valid for 30 s more, so a resident who scanned at the last moment is still counted.
 */
import { generateHOTP } from '@oslojs/otp';
import { decodeHex } from '@oslojs/encoding';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { eq } from 'drizzle-orm';
import type { Db } from '../db';
import { can, type Actor } from '../authz';
import { meeting } from '../db/schema';
import { DomainError } from './errors';
import { getMeeting, meetingFor, meetingScope, type Meeting } from './meetings';

export const CHECK_IN_WINDOW_MS = 45_000;
/** How long the previous code is still taken after the projector moved on. */
export const CHECK_IN_GRACE_MS = 30_000;
/** Nodes' clocks may differ a little: the next code is taken this long before its window starts. */
const CLOCK_SKEW_MS = 3_000;

type Keyed = Pick<Meeting, 'checkInSecret'>;

function codeOfWindow(m: Keyed, window: number): string {
	return generateHOTP(decodeHex(m.checkInSecret), BigInt(window), 6);
}

/** The code shown at `now` and when it changes. */
export function checkInCodeAt(m: Keyed, now: number): { code: string; changesAt: number } {
	const window = Math.floor(now / CHECK_IN_WINDOW_MS);
	return { code: codeOfWindow(m, window), changesAt: (window + 1) * CHECK_IN_WINDOW_MS };
}

const sameText = (a: string, b: string) =>
	a.length === b.length && constantTimeEqual(new TextEncoder().encode(a), new TextEncoder().encode(b));

/** Is `typed` the code a phone in the room could have at `now`? Spaces and case are ignored. */
export function matchesCheckInCode(
	m: Keyed & Pick<Meeting, 'rotatingCheckIn' | 'joinCode'>,
	typed: string,
	now: number
): boolean {
	const code = typed.replace(/\s+/g, '').toLowerCase();
	if (!m.rotatingCheckIn) return sameText(code, m.joinCode);
	if (!/^\d{6}$/.test(code)) return false;
	const window = Math.floor(now / CHECK_IN_WINDOW_MS);
	const windows = [window];
	if (now - window * CHECK_IN_WINDOW_MS < CHECK_IN_GRACE_MS) windows.push(window - 1);
	if ((window + 1) * CHECK_IN_WINDOW_MS - now < CLOCK_SKEW_MS) windows.push(window + 1);
	return windows.some((w) => sameText(code, codeOfWindow(m, w)));
}

/** The QR code's link for a rotating code: `/j/<meeting id>-<code>`. */
export const rotatingLinkCode = (meetingId: number, code: string) => `${meetingId}-${code}`;

/** Reads `<meeting id>-<six digits>` (the rotating QR link), or null for anything else. */
export function parseRotatingLinkCode(raw: string): { meetingId: number; code: string } | null {
	const m = /^([1-9]\d{0,8})-(\d{6})$/.exec(raw.trim());
	return m ? { meetingId: Number(m[1]), code: m[2] } : null;
}

export type ShownCheckInCode = {
	rotating: boolean;
	/** What the projector shows: six digits, or the fixed join code. */
	code: string;
	/** The path the QR code opens (`/j/…`). */
	path: string;
	/** Server time when the code changes (null: it does not). */
	changesAt: number | null;
	serverNow: number;
};

/**
 * The code to show on the projector and the console. Those who run the meeting see it; so does a
 * screen holding a public meeting's join code (the projector on a borrowed laptop, no login).
 * Residents never do: holding it is what proves a phone is in the room.
 */
export function showCheckInCode(
	db: Db,
	actor: Actor | null,
	meetingId: number,
	{ code }: { code?: string },
	now = Date.now()
): ShownCheckInCode {
	const m = getMeeting(db, meetingId);
	const projector = m.isPublic && code !== undefined && sameText(code, m.joinCode);
	if (!projector && !can(actor, 'meeting.manage', meetingScope(db, m)))
		throw new DomainError(actor ? 'FORBIDDEN' : 'UNAUTHENTICATED');
	if (!m.rotatingCheckIn)
		return { rotating: false, code: m.joinCode, path: `/j/${m.joinCode}`, changesAt: null, serverNow: now };
	const shown = checkInCodeAt(m, now);
	return {
		rotating: true,
		code: shown.code,
		path: `/j/${rotatingLinkCode(m.id, shown.code)}`,
		changesAt: shown.changesAt,
		serverNow: now
	};
}

/** The facilitator turns the rotating code on or off (not after the meeting closed). */
export function setRotatingCheckIn(db: Db, actor: Actor | null, meetingId: number, on: boolean) {
	const m = meetingFor(db, actor, meetingId, 'meeting.manage');
	if (m.status === 'closed') throw new DomainError('MEETING_STATE', { status: m.status });
	db.update(meeting).set({ rotatingCheckIn: on }).where(eq(meeting.id, m.id)).run();
}
