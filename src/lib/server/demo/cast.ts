/**
 * The people and the calendar of the demo story: staff and residents as the actors the domain
 * functions take (residents get their account the way a phone does, by redeeming an invitation), and
 * times relative to the day the demo is seeded, in China time.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db';
import { building, household, resident, user } from '../db/schema';
import { loadActor, type Actor } from '../authz';
import { issueInvitation, redeemInvitation } from '../domain/accounts';
import { RECEIPT_ALPHABET } from '$lib/receipt';
import type { DocumentStore } from '../yjs';

const DAY = 24 * 3600_000;
const CHINA = 8 * 3600_000;

export type Story = {
	db: Db;
	docs: DocumentStore;
	now: number;
	/** A moment `days` from the seed day (negative: before) at a China wall-clock time. */
	at: (days: number, hour: number, minute?: number) => number;
	/** China calendar date `days` from the seed day, as YYYY-MM-DD. */
	dateOn: (days: number) => string;
	staff: (username: string) => Actor;
	/** The n-th resident (0-based, by id) of a building, logged in as their phone would be. */
	resident: (buildingName: string, n: number) => Actor;
	buildingId: (name: string) => number;
	estateId: number;
	/** A fresh ballot id and receipt, as a phone makes them (deterministic, so the seed is reproducible). */
	ballot: () => { ballotId: string; receipt: string };
};

export function storyOf(db: Db, docs: DocumentStore, now: number): Story {
	const midnight = Math.floor((now + CHINA) / DAY) * DAY - CHINA;
	const actors = new Map<string, Actor>();
	let ballots = 0;
	const buildingId = (name: string) =>
		db.select({ id: building.id }).from(building).where(eq(building.name, name)).get()!.id;
	return {
		db,
		docs,
		now,
		at: (days, hour, minute = 0) => midnight + days * DAY + (hour * 60 + minute) * 60_000,
		dateOn: (days) => new Date(midnight + CHINA + days * DAY).toISOString().slice(0, 10),
		staff(username) {
			const u = db.select().from(user).where(eq(user.username, username)).get()!;
			return loadActor(db, u);
		},
		resident(buildingName, n) {
			const key = `${buildingName}#${n}`;
			const known = actors.get(key);
			if (known) return known;
			const r = db
				.select({ id: resident.id })
				.from(resident)
				.innerJoin(household, eq(resident.householdId, household.id))
				.innerJoin(building, eq(household.buildingId, building.id))
				.where(eq(building.name, buildingName))
				.orderBy(resident.id)
				.all()[n];
			const { token } = issueInvitation(db, { residentId: r.id, kind: 'link', createdByUserId: null }, now);
			const { userId } = redeemInvitation(db, token, now);
			const actor = loadActor(db, db.select().from(user).where(eq(user.id, userId)).get()!);
			actors.set(key, actor);
			return actor;
		},
		buildingId,
		estateId: db.select({ id: building.estateId }).from(building).get()!.id!,
		ballot() {
			let x = ++ballots;
			let receipt = '';
			for (let i = 0; i < 10; i++, x = Math.floor(x / RECEIPT_ALPHABET.length))
				receipt += RECEIPT_ALPHABET[(x + i * 7) % RECEIPT_ALPHABET.length];
			return { ballotId: `demo-ballot-${ballots}`, receipt };
		}
	};
}
