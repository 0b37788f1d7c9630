/**
 * Vote rule presets from Chinese law: a facilitator picks the body and the quorum and
 * majority follow, shown with their article. Shared by the console (to show them) and the server
 * (which applies them; a client never decides the rules). Shares are exact: "以上" is inclusive,
 * "过半数" strictly more (民法典 Art 1259).
 */
import type { Share, Threshold, VotingUnit } from '$lib/realtime/poll';

export type PresetId =
	| 'villagerAssembly'
	| 'villagerGroup'
	| 'residentAssembly'
	| 'villagerRepresentatives'
	| 'ownersOrdinary'
	| 'ownersSpecial'
	| 'villageElection';

/**
 * Which roll counts as the base: adults (one per resident), households' representatives (one per
 * household), 村民代表 (the representatives' roster), or owners (by headcount and by floor area).
 */
export type PresetBase = 'adults' | 'households' | 'representatives' | 'owners';

/** The voting unit each base counts in. */
export const UNIT_OF_BASE = {
	adults: 'resident',
	households: 'household',
	representatives: 'representative',
	owners: 'owner'
} as const satisfies Record<PresetBase, VotingUnit>;

export type Preset = {
	id: PresetId;
	/** Participation needed, as a share of the base. */
	quorum: Share;
	/** Where the law sets another share for one of the bases. */
	quorumByBase?: Partial<Record<PresetBase, Share>>;
	/** The bases the law allows; the council chooses one when there are two. */
	bases: PresetBase[];
	threshold: Threshold;
	article: string;
};

const MORE_THAN_HALF: Share = { num: 1, den: 2, strict: true };
const TWO_THIRDS_OR_MORE: Share = { num: 2, den: 3, strict: false };

export const PRESETS: Record<PresetId, Preset> = {
	// 村民会议: more than half of adult villagers, or two thirds of households' representatives, attend;
	// decisions need more than half of those present.
	villagerAssembly: {
		id: 'villagerAssembly',
		quorum: MORE_THAN_HALF,
		quorumByBase: { households: TWO_THIRDS_OR_MORE },
		bases: ['adults', 'households'],
		threshold: 'presentMajority',
		article: '村民委员会组织法 第二十二条'
	},
	villagerGroup: {
		id: 'villagerGroup',
		quorum: TWO_THIRDS_OR_MORE,
		bases: ['adults', 'households'],
		threshold: 'presentMajority',
		article: '村民委员会组织法 第二十八条'
	},
	residentAssembly: {
		id: 'residentAssembly',
		quorum: MORE_THAN_HALF,
		bases: ['adults', 'households'],
		threshold: 'presentMajority',
		article: '城市居民委员会组织法 第九条、第十条'
	},
	villagerRepresentatives: {
		id: 'villagerRepresentatives',
		quorum: TWO_THIRDS_OR_MORE,
		bases: ['representatives'],
		threshold: 'presentMajority',
		article: '村民委员会组织法 第二十六条'
	},
	ownersOrdinary: {
		id: 'ownersOrdinary',
		quorum: TWO_THIRDS_OR_MORE,
		bases: ['owners'],
		threshold: 'presentMajority',
		article: '民法典 第二百七十八条'
	},
	ownersSpecial: {
		id: 'ownersSpecial',
		quorum: TWO_THIRDS_OR_MORE,
		bases: ['owners'],
		threshold: 'threeQuartersPresent',
		article: '民法典 第二百七十八条（第六至八项）'
	},
	// 选举村民委员会: valid when more than half of the registered voters vote; a candidate needs more
	// than half of the votes of those who voted. The roll is the adults of the village.
	villageElection: {
		id: 'villageElection',
		quorum: MORE_THAN_HALF,
		bases: ['adults'],
		threshold: 'presentMajority',
		article: '村民委员会组织法 第十五条'
	}
};

/**
 * The matters an owners' assembly decides (民法典 Art 278, items 1–9). Items 6–8 are special matters
 * that need three quarters; using (not raising) the maintenance fund is item 5, an ordinary matter.
 */
export const OWNERS_MATTERS = [1, 2, 3, 4, 5, 6, 7, 8, 9] as const;
export const SPECIAL_MATTERS: readonly number[] = [6, 7, 8];

/** The preset the law prescribes for an owners' assembly matter. */
export const presetForMatter = (matter: number): PresetId =>
	SPECIAL_MATTERS.includes(matter) ? 'ownersSpecial' : 'ownersOrdinary';

/** The presets the console offers for each kind of meeting. */
export const PRESETS_FOR_BODY: Record<string, PresetId[]> = {
	buildingCouncil: [],
	villagerAssembly: ['villagerAssembly'],
	villagerRepresentatives: ['villagerRepresentatives'],
	villagerGroup: ['villagerGroup'],
	residentAssembly: ['residentAssembly'],
	ownersAssembly: ['ownersOrdinary', 'ownersSpecial'],
	villageElection: ['villageElection']
};
