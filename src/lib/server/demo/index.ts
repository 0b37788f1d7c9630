/**
 * The demo community on first start (see docs/demo.md). `roster` seeds only the roster
 * and the staff accounts (what the tests start from); `story` adds a month of a council's life, every
 * step through the domain functions a real council goes through, dated relative to the seed day:
 * proposals in every state, meetings past and today, resolutions in the hash chain, signed minutes,
 * follow-ups, a dispatch, a rating round, the published 居民公约 and its new draft, and the points all
 * of it earned.
 */
import { count, eq } from 'drizzle-orm';
import type { Db } from '../db';
import { community, resident, household, building } from '../db/schema';
import { printDemoLinks, seedDemoIfEmpty, seedDemoRoster } from '../domain/demo-seed';
import { removePhotos, type StoredPhoto } from '../photos';
import { createYjsServer, type DocumentStore } from '../yjs';
import { drawPhotos } from './photos';
import { holdBuildingMeeting } from './building-meeting';
import { storyOf } from './cast';
import { holdEstateMeeting } from './estate-meeting';
import { followUpStory } from './follow-ups';
import { fileStoryProposals } from './proposals';
import { rulesStory } from './rules';
import { scheduleTodaysMeeting } from './today';

export type DemoMode = 'off' | 'roster' | 'story';

/** Seeds the demo into an empty database; false when there was something in it already. */
export async function seedDemo(
	db: Db,
	mode: DemoMode,
	opts: { uploadsDir: string; now?: number }
): Promise<boolean> {
	if (mode === 'off') return false;
	if (mode === 'roster') return seedDemoIfEmpty(db);
	if (db.select({ n: count() }).from(community).get()!.n > 0) return false;
	const started = performance.now();
	const now = opts.now ?? Date.now();
	await seedDemoRoster(db, now);
	const photos = [
		await drawPhotos(opts.uploadsDir, ['before']),
		await drawPhotos(opts.uploadsDir, ['after'])
	];
	const docs = createYjsServer({ db });
	try {
		// One transaction: a failure part-way leaves the roster without half a story, and one commit
		// instead of hundreds keeps seeding fast on a disk synced at every commit (synchronous = FULL).
		db.transaction(() => seedStory(db, docs, now, photos));
	} catch (e) {
		await removePhotos(opts.uploadsDir, photos.flat());
		throw e;
	} finally {
		await docs.close();
	}
	// Today's meeting is 2栋's: its first two residents' links are the ones a newcomer runs it with.
	const twoLinks = db
		.select({ id: resident.id })
		.from(resident)
		.innerJoin(household, eq(resident.householdId, household.id))
		.innerJoin(building, eq(household.buildingId, building.id))
		.where(eq(building.name, '2栋'))
		.orderBy(resident.id)
		.limit(2)
		.all();
	printDemoLinks(
		db,
		twoLinks.map((r) => r.id)
	);
	console.log(`demo story seeded in ${Math.round(performance.now() - started)} ms`);
	return true;
}

function seedStory(db: Db, docs: DocumentStore, now: number, photos: StoredPhoto[][]) {
	const s = storyOf(db, docs, now);
	const proposals = fileStoryProposals(s);
	// In the order they happened: the chain of resolutions is in time order.
	const estate = holdEstateMeeting(s, proposals);
	const rules = rulesStory(s);
	const building1 = holdBuildingMeeting(s, proposals);
	const followUps = followUpStory(s, { ...estate, ...building1 }, photos);
	const today = scheduleTodaysMeeting(s, proposals);
	return { proposals, estate, rules, building1, followUps, today };
}
