/**
 * What the matrix's cells act on, beyond the world's people and meetings: polls, resolutions with their
 * follow-ups, a dispatch, proposals. Made through the domain (or the facilitator's socket where the
 * server's Yjs documents take part), so each is in a state the action accepts.
 */
import { count, eq } from 'drizzle-orm';
import sharp from 'sharp';
import {
	followUp,
	household,
	meeting,
	poll,
	proposal,
	resident,
	resolution,
	user,
	yjsUpdate
} from '$lib/server/db/schema';
import { makeReceipt } from '$lib/receipt';
import { markAttendance } from '$lib/server/domain/attendance';
import { saveSummary } from '$lib/server/domain/minutes';
import { createSession, generateSessionToken } from '$lib/server/session';
import { assistBallot } from '$lib/server/domain/ballots';
import { closePoll } from '$lib/server/domain/resolutions';
import { followUpPhoto } from '$lib/server/db/schema-followup';
import { rulesComment, rulesPublication, rulesVersion } from '$lib/server/db/schema-rules';
import { rulesDocName } from '$lib/rules/schema';
import { providerFor, synced } from './yjs';
import { writeDraft } from './rules-draft';
import { postAction } from './authz-probe';
import { fileProposal } from '$lib/server/domain/proposals';
import { sendDispatch } from '$lib/server/domain/dispatches';
import type { World, Role } from './authz-world';
import type { socketsFor } from './authz-probe';

export type Ctx = {
	url: string;
	w: World;
	sockets: ReturnType<typeof socketsFor>;
	cookie: (role: Role) => string | undefined;
	fx: Fixtures;
	/** A unique suffix for names made by a cell. */
	uniq: () => string;
};

export const POLL_RULES = {
	votingUnit: 'household',
	whoMayVote: 'eligible',
	quorum: { num: 1, den: 2, strict: true },
	threshold: 'simple',
	secret: false,
	liveTally: true,
	allowChange: false
} as const;

export function pollPayload(meetingId: number) {
	return {
		meetingId,
		agendaItemId: null,
		question: '是否同意更换楼道灯？',
		type: 'yesNoAbstain',
		rules: POLL_RULES,
		durationSeconds: null
	};
}

/** A live meeting of 1栋 (or `opts`), run by the facilitator. */
export function liveMeeting(ctx: Ctx, opts?: Parameters<World['newMeeting']>[0]): number {
	const id = ctx.w.newMeeting(opts);
	ctx.w.db.update(meeting).set({ status: 'live', openedAt: new Date() }).where(eq(meeting.id, id)).run();
	return id;
}

/** Closes every open poll of the community (the voter rolls may change only then). */
export function closeOpenPolls(ctx: Ctx) {
	const open = ctx.w.db.select({ id: poll.id }).from(poll).where(eq(poll.status, 'open')).all();
	for (const p of open) closePoll(ctx.w.db, ctx.w.actor('admin'), p.id);
}

/** An open poll in a new live meeting of 1栋. */
export async function openPoll(
	ctx: Ctx,
	meetingId = liveMeeting(ctx)
): Promise<{ meetingId: number; pollId: number }> {
	const chair = meetingId === ctx.w.meetingB ? 'facilitatorOther' : 'facilitator';
	const { pollId } = await ctx.sockets.must<{ pollId: number }>(
		ctx.cookie(chair),
		'poll:open',
		pollPayload(meetingId)
	);
	return { meetingId, pollId };
}

/** A closed poll's resolution and its follow-up (opened here when the poll did not pass). */
export async function resolutionWithFollowUp(ctx: Ctx) {
	const { meetingId, pollId } = await openPoll(ctx);
	const { resolutionId } = await ctx.sockets.must<{ resolutionId: number }>(
		ctx.cookie('facilitator'),
		'poll:close',
		{
			pollId
		}
	);
	ctx.w.db
		.insert(followUp)
		.values({ communityId: ctx.w.communityId, resolutionId })
		.onConflictDoNothing()
		.run();
	const followUpId = ctx.w.db.select().from(followUp).where(eq(followUp.resolutionId, resolutionId)).get()!
		.id;
	return { meetingId, pollId, resolutionId, followUpId };
}

/** A dispatch to 县交警大队 about a resolution, as the facilitator sends it. */
export function newDispatch(ctx: Ctx, resolutionId: number): number {
	return sendDispatch(ctx.w.db, ctx.w.actor('facilitator'), {
		departmentId: ctx.w.department1,
		resolutionId,
		message: '请协助处理楼前停车问题',
		deadline: new Date(Date.now() + 7 * 86_400_000)
	});
}

/** An open proposal about 1栋, filed by resident A's neighbour through the information officer. */
export function newProposal(ctx: Ctx): number {
	return fileProposal(ctx.w.db, ctx.w.actor('admin'), {
		title: `楼道灯不亮 ${ctx.uniq()}`,
		description: '三楼楼道灯坏了一周',
		category: 'facilities',
		about: { type: 'building', id: ctx.w.building1 },
		forResidentId: ctx.w.residentA2
	});
}

/**
 * A closed meeting of 1栋 whose minutes are frozen: the chair and two residents who attended signed
 * them (over HTTP, as on the page). `isPublic` decides whether they are a public record.
 */
export async function frozenMinutes(ctx: Ctx, isPublic: boolean): Promise<number> {
	const db = ctx.w.db;
	const chair = ctx.w.actor('facilitator');
	const id = ctx.w.newMeeting({ isPublic });
	db.update(meeting).set({ status: 'live', openedAt: new Date() }).where(eq(meeting.id, id)).run();
	for (const r of [ctx.w.residentA, ctx.w.residentA2]) markAttendance(db, chair, id, r, true);
	db.update(meeting).set({ status: 'closed', closedAt: new Date() }).where(eq(meeting.id, id)).run();
	saveSummary(db, chair, id, '会议议定更换楼道灯。');
	// Resident A2 has no account in the world: one is made here, as an invitation would.
	const a2 = db.select().from(resident).where(eq(resident.id, ctx.w.residentA2)).get()!;
	const a2User =
		db.select().from(user).where(eq(user.residentId, a2.id)).get()?.id ??
		db
			.insert(user)
			.values({ communityId: ctx.w.communityId, displayName: a2.name, residentId: a2.id })
			.returning()
			.get().id;
	const token = generateSessionToken();
	createSession(db, token, a2User);
	for (const cookie of [ctx.cookie('facilitator'), ctx.cookie('resident'), `yizhan_session=${token}`]) {
		const out = await postAction(ctx.url, `/meetings/${id}/minutes?/sign`, {}, cookie);
		if (out.verdict !== 'allow') throw new Error(`signing minutes: ${out.detail}`);
	}
	return id;
}

export type Fixtures = Awaited<ReturnType<typeof makeFixtures>>;

export async function makeFixtures(ctx: Omit<Ctx, 'fx'>) {
	const c = ctx as Ctx;
	const main = await resolutionWithFollowUp(c);
	const rated = await resolutionWithFollowUp(c);
	// The rating round is open on the second follow-up: it was reported done a moment ago.
	ctx.w.db
		.update(followUp)
		.set({ status: 'done', percent: 100, round: 1, ratingClosesAt: new Date(Date.now() + 7 * 86_400_000) })
		.where(eq(followUp.id, rated.followUpId))
		.run();
	const dispatchId = newDispatch(c, main.resolutionId);
	const proposalId = newProposal(c);
	const openA = await openPoll(c, ctx.w.meetingA);
	await writeRulesDraft(c, ctx.w.communityId, 'admin');
	await writeRulesDraft(c, ctx.w.otherCommunityId, 'adminOther');
	const photoId = await reportWithPhoto(c, main.followUpId);
	const publicationId = await publication(c, main.resolutionId);
	const publicMinutes = await frozenMinutes(c, true);
	const privateMinutes = await frozenMinutes(c, false);
	return {
		/** Closed meetings of 1栋 with frozen minutes: a public meeting and one that is not. */
		publicMinutes,
		privateMinutes,
		photoId,
		publicationId,
		resolutionId: main.resolutionId,
		followUpId: main.followUpId,
		closedMeetingPoll: main,
		ratedFollowUpId: rated.followUpId,
		dispatchId,
		proposalId,
		/** An open poll in meeting A. */
		pollA: openA.pollId,
		proposalTable: proposal
	};
}

/** The village rules draft of a community, with clauses c1 and c2, typed in by its admin. */
async function writeRulesDraft(ctx: Ctx, communityId: number, as: 'admin' | 'adminOther') {
	const name = rulesDocName(communityId);
	const provider = providerFor(ctx.url, name, ctx.cookie(as));
	try {
		await synced(provider);
		writeDraft(provider.doc, '村规民约', ['爱护公共设施。', '垃圾分类投放。']);
		const stored = () =>
			ctx.w.db.select({ n: count() }).from(yjsUpdate).where(eq(yjsUpdate.docName, name)).get()!.n > 0;
		for (let i = 0; i < 100 && !stored(); i++) await new Promise((r) => setTimeout(r, 50));
		if (!stored()) throw new Error(`rules draft of ${communityId} not stored`);
	} finally {
		provider.destroy();
	}
}

/** The owning department's liaison reports progress with a photo; returns the photo's id. */
async function reportWithPhoto(ctx: Ctx, followUpId: number): Promise<number> {
	ctx.w.db
		.update(followUp)
		.set({ ownerDepartmentId: ctx.w.department1, ownerUserId: null, dueOn: '2030-01-01' })
		.where(eq(followUp.id, followUpId))
		.run();
	const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c00' } })
		.png()
		.toBuffer();
	const out = await postAction(
		ctx.url,
		`/followups/${followUpId}?/report`,
		{ text: '已到现场查看', percent: '10', photos: new Blob([new Uint8Array(png)], { type: 'image/png' }) },
		ctx.cookie('liaison')
	);
	if (out.verdict !== 'allow') throw new Error(`report with photo: ${out.detail}`);
	return ctx.w.db.select().from(followUpPhoto).orderBy(followUpPhoto.id).all().at(-1)!.id;
}

/** A published edition of the rules (公示), frozen from a saved version of the draft. */
async function publication(ctx: Ctx, resolutionId: number): Promise<number> {
	const saved = await postAction(ctx.url, '/rules/versions?/save', { name: '公示稿' }, ctx.cookie('admin'));
	if (saved.verdict !== 'allow') throw new Error(`save version: ${saved.detail}`);
	const v = ctx.w.db
		.select()
		.from(rulesVersion)
		.where(eq(rulesVersion.communityId, ctx.w.communityId))
		.all()
		.at(-1)!;
	const admin = ctx.w.db.select().from(user).where(eq(user.id, ctx.w.userIds.admin)).get()!;
	return ctx.w.db
		.insert(rulesPublication)
		.values({
			communityId: ctx.w.communityId,
			seq: 1,
			versionId: v.id,
			resolutionId,
			text: v.text,
			effectiveFrom: '2030-01-01',
			prevHash: '0'.repeat(64),
			hash: 'f'.repeat(64),
			publishedByUserId: admin.id,
			publishedAt: new Date()
		})
		.returning()
		.get().id;
}

/** An open suggestion on clause c1 of the community's draft, by resident A. */
export function newSuggestion(ctx: Ctx): number {
	return ctx.w.db
		.insert(rulesComment)
		.values({
			communityId: ctx.w.communityId,
			clauseId: 'c1',
			kind: 'suggestion',
			body: '建议改写',
			suggestion: `爱护公共设施，损坏照价赔偿。${ctx.uniq()}`,
			authorUserId: ctx.w.userIds.resident,
			createdAt: new Date()
		})
		.returning()
		.get().id;
}

/**
 * A passed resolution of a new 3栋 meeting: four of its six households are marked present and vote
 * yes through the facilitator (代投), then the poll is closed.
 */
export async function passedResolution(ctx: Ctx) {
	const b = ctx.w.building3;
	const { meetingId, pollId } = await openPoll(ctx, liveMeeting(ctx, { scopeType: 'building', scopeId: b }));
	const voters = ctx.w.db
		.select({ id: resident.id, householdId: resident.householdId })
		.from(resident)
		.innerJoin(household, eq(resident.householdId, household.id))
		.where(eq(household.buildingId, b))
		.orderBy(resident.id)
		.all()
		.filter((r, i, all) => all.findIndex((x) => x.householdId === r.householdId) === i)
		.slice(0, 4);
	const actor = ctx.w.actor('facilitator');
	for (const v of voters) {
		markAttendance(ctx.w.db, actor, meetingId, v.id, true);
		assistBallot(ctx.w.db, actor, {
			pollId,
			residentId: v.id,
			choices: ['yes'],
			consentNote: '本人口头同意',
			ballotId: crypto.randomUUID(),
			receipt: makeReceipt()
		});
	}
	const resolutionId = closePoll(ctx.w.db, actor, pollId);
	const r = ctx.w.db.select().from(resolution).where(eq(resolution.id, resolutionId)).get()!;
	if (r.outcome !== 'passed')
		throw new Error(`resolution ${resolutionId} ${r.outcome}: ${JSON.stringify(r)}`);
	return { meetingId, pollId, resolutionId };
}
