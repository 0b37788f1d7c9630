/**
 * Live voting (表决) over Socket.IO, shared by browser and server. Polls travel inside the meeting's
 * state (`MeetingState.polls`), so a screen that reconnects gets them with everything else; requests
 * are answered with the `Ack` envelope.
 */
import type { Ack } from './protocol';

export type PollType = 'yesNoAbstain' | 'single' | 'multi';
/**
 * simple: more than half of ballots for or against; presentMajority: more than half of all who took
 * part (abstaining counts); threeQuartersPresent: at least three quarters of all who took part.
 */
export type Threshold = 'simple' | 'absolute' | 'twoThirds' | 'presentMajority' | 'threeQuartersPresent';
/** household, resident, 村民代表 (one each), or 业主 (one per owner, weighed by floor area too). */
export type VotingUnit = 'household' | 'resident' | 'representative' | 'owner';
export type BallotChannel = 'phone' | 'form' | 'hand' | 'assisted' | 'proxy';
/**
 * How a poll ended. `withdrawn`: taken back before its first ballot (opened by mistake); it stays in
 * the resolution chain as such, deciding nothing.
 */
export type ResolutionOutcome = 'passed' | 'notPassed' | 'noQuorum' | 'withdrawn';
export type Share = { num: number; den: number; strict: boolean };

/** The rules chosen when opening, frozen and shown to everyone. */
export type PublicRules = {
	votingUnit: VotingUnit;
	whoMayVote: 'present' | 'eligible';
	quorum: Share;
	threshold: Threshold;
	secret: boolean;
	liveTally: boolean;
	allowChange: boolean;
	/** A legal preset (src/lib/presets.ts): when set, the server derived unit, quorum and threshold from it. */
	preset?: {
		id: string;
		base: 'adults' | 'households' | 'representatives' | 'owners';
		article?: string;
		/** 业主大会: the item of 民法典 Art 278 the vote decides (1–9); items 6–8 are special matters. */
		matter?: number;
	};
};

export type TallyView = {
	perOption: Record<string, number>;
	/** Votes per option by channel (empty for a secret poll). */
	perChannel: Partial<Record<BallotChannel, Record<string, number>>>;
	/** How many units took part by each channel. */
	participationByChannel: Partial<Record<BallotChannel, number>>;
	participating: number;
	eligible: number;
	quorumReached: boolean;
	/** 业主大会: the same count weighed by private floor area (hundredths of m²); both must pass. */
	byArea?: AreaTally;
};

export type AreaTally = {
	perOption: Record<string, number>;
	participating: number;
	eligible: number;
	quorumReached: boolean;
};

export type PollView = {
	id: number;
	meetingId: number;
	agendaItemId: string | null;
	question: string;
	type: PollType;
	options: Array<{ id: string; label: string }>;
	maxChoices: number;
	rules: PublicRules;
	status: 'open' | 'closed';
	openedAt: number;
	closesAt: number | null;
	/** Null while open when the tally is hidden until close. */
	tally: TallyView | null;
	/** A village-rules vote (村规民约): the ballot links to the wording on the poll's own page. */
	rulesVote: { wholeDraft: boolean } | null;
	/** Once closed. */
	result: {
		outcome: ResolutionOutcome;
		carried: string[];
		resolutionId: number;
		hash: string;
	} | null;
};

export type OpenPollPayload = {
	meetingId: number;
	agendaItemId: string | null;
	question: string;
	type: PollType;
	/** Labels of the choices, for `single` and `multi` (yes/no/abstain has its own). */
	options?: string[];
	maxChoices?: number;
	rules: PublicRules;
	/** Closes by itself after this many seconds (server timer), or only by hand when null. */
	durationSeconds: number | null;
};

/** A phone's ballot: `ballotId` and `receipt` are made on the phone and kept until acknowledged. */
export type CastPayload = {
	pollId: number;
	ballotId: string;
	receipt: string;
	choices: string[];
	/** Casting as a proxy (委托) for this resident. */
	forResidentId?: number;
};

export type CastResult = { receipt: string; duplicate: boolean };

export interface PollClientEvents {
	'poll:open': (p: OpenPollPayload, ack: (res: Ack<{ pollId: number }>) => void) => void;
	'poll:close': (p: { pollId: number }, ack: (res: Ack<{ resolutionId: number }>) => void) => void;
	/** Takes back a poll opened by mistake, before its first ballot (recorded, never deleted). */
	'poll:withdraw': (p: { pollId: number }, ack: (res: Ack<{ resolutionId: number }>) => void) => void;
	'ballot:cast': (p: CastPayload, ack: (res: Ack<CastResult>) => void) => void;
	/** 代投: staff record a ballot for a named present resident, with a consent note. */
	'ballot:assist': (
		p: {
			pollId: number;
			residentId: number;
			choices: string[];
			consentNote: string;
			ballotId: string;
			receipt: string;
		},
		ack: (res: Ack<CastResult>) => void
	) => void;
	/** 举手 by name: the facilitator records a unit's raised hand (how hands count where units weigh their area). */
	'ballot:hand': (
		p: { pollId: number; residentId: number; choices: string[]; ballotId: string; receipt: string },
		ack: (res: Ack<CastResult>) => void
	) => void;
	/** 举手: the facilitator sets (and may correct) the hand counts per option. */
	'hands:set': (p: { pollId: number; counts: Record<string, number> }, ack: (res: Ack<null>) => void) => void;
	'proxy:designate': (
		p: { meetingId: number; proxyResidentId: number },
		ack: (res: Ack<null>) => void
	) => void;
	'proxy:revoke': (p: { meetingId: number }, ack: (res: Ack<null>) => void) => void;
}
