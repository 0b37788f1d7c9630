/**
 * The live meeting protocol (Socket.IO), shared by browser and server. A screen sends `meeting:join`
 * and gets the full `MeetingState` in the ack and then a `meeting:state` broadcast after every change
 * (states are small: a meeting of 300 people is a few KB), so a screen that reconnects is whole again
 * after one message. Requests are answered with the `Ack` envelope from ./protocol.
 */
import type { Ack } from './protocol';
import type { PollClientEvents, PollView } from './poll';

export type MeetingStatus = 'draft' | 'live' | 'closed';

export type Speaker = {
	id: number;
	residentId: number;
	name: string;
	status: 'waiting' | 'speaking';
	raisedAt: number;
	/** When this turn at the lectern began (server time); null while waiting. */
	startedAt: number | null;
	/** 发言限时 of this turn in seconds, null for none: screens count down from startedAt. */
	limitSeconds: number | null;
};

export type MeetingState = {
	meeting: {
		id: number;
		title: string;
		status: MeetingStatus;
		place: string;
		startsAt: number;
		votingUnit: 'household' | 'resident';
		scopeType: 'building' | 'estate' | 'grid' | 'community';
		scopeId: number;
		isPublic: boolean;
		/** Id of the agenda item (in the Yjs agenda document) being discussed. */
		currentItemId: string | null;
		/** 发言限时: seconds each speaker gets, null for no limit. */
		speechLimitSeconds: number | null;
	};
	attendance: { present: number; eligible: number; quorum: boolean };
	speakers: Speaker[];
	/** elapsedMs as of serverNow; when running, screens add (their now − serverNow) locally. */
	timer: { itemId: string | null; running: boolean; elapsedMs: number; serverNow: number };
	/** The meeting's polls, newest first: the open one (if any) and those already closed. */
	polls: PollView[];
};

/** The check-in code a projector or console shows; server times in ms. */
export type CheckInCodeView = {
	rotating: boolean;
	code: string;
	/** The path the QR code opens (`/j/…`). */
	path: string;
	changesAt: number | null;
	serverNow: number;
};

/** What the joining screen is; the projector may join a public meeting without a login. */
export type JoinPayload = { meetingId: number; as: 'phone' | 'console' | 'projector' };

/** For the joining user: whether they are checked in and have a hand up (phones only). */
export type Me = {
	residentId: number | null;
	present: boolean;
	handRaised: boolean;
	canManage: boolean;
	/** Polls in which this user's voting unit has a ballot (whoever cast it). */
	votedPolls: number[];
	/** Residents who made this user their proxy (委托) for the meeting. */
	proxyFor: Array<{ residentId: number; name: string }>;
};

export interface MeetingClientEvents extends PollClientEvents {
	'meeting:join': (p: JoinPayload, ack: (res: Ack<{ state: MeetingState; me: Me }>) => void) => void;
	'meeting:leave': (p: { meetingId: number }, ack: (res: Ack<null>) => void) => void;
	'meeting:open': (p: { meetingId: number }, ack: (res: Ack<null>) => void) => void;
	'meeting:close': (p: { meetingId: number }, ack: (res: Ack<null>) => void) => void;
	'item:setCurrent': (p: { meetingId: number; itemId: string | null }, ack: (res: Ack<null>) => void) => void;
	'timer:start': (p: { meetingId: number }, ack: (res: Ack<null>) => void) => void;
	'timer:pause': (p: { meetingId: number }, ack: (res: Ack<null>) => void) => void;
	/**
	 * `code` is the code on the projector (its rotating six digits, or the join code where the meeting
	 * does not rotate it): it proves the phone is in the room.
	 */
	'attendance:checkIn': (p: { meetingId: number; code: string }, ack: (res: Ack<{ me: Me }>) => void) => void;
	/** The code to show, for the projector (with the join code) and the console; asked again at `changesAt`. */
	'attendance:showCode': (
		p: { meetingId: number; code?: string },
		ack: (res: Ack<CheckInCodeView>) => void
	) => void;
	'attendance:mark': (
		p: { meetingId: number; residentId: number; present: boolean },
		ack: (res: Ack<null>) => void
	) => void;
	'hand:raise': (p: { meetingId: number }, ack: (res: Ack<{ me: Me }>) => void) => void;
	'hand:lower': (p: { meetingId: number }, ack: (res: Ack<{ me: Me }>) => void) => void;
	'floor:give': (p: { meetingId: number; requestId: number | null }, ack: (res: Ack<null>) => void) => void;
	/** 发言限时: seconds per speech (null: none); applies to the speaker at the lectern too. */
	'speech:setLimit': (
		p: { meetingId: number; seconds: number | null },
		ack: (res: Ack<null>) => void
	) => void;
}

export interface MeetingServerEvents {
	'meeting:state': (state: MeetingState) => void;
	/** To one user's screens, when someone else changed their part (a facilitator marked them present). */
	'meeting:me': (p: { meetingId: number; me: Me }) => void;
	/** This screen was taken out of the meeting: the user may no longer see it (a role removed). */
	'meeting:left': (p: { meetingId: number; code: string }) => void;
}
