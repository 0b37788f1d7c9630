/**
 * The community's resolutions form a hash chain: each one's SHA-256 covers its content and the hash
 * before it, so changing any stored resolution breaks every hash after it. Content is hashed as
 * canonical JSON (keys sorted at every level), so the same content always gives the same hash.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';

/** The hash a community's first resolution chains to. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with sorted keys, agreeing with JSON.stringify on everything else (dates, undefined in arrays). */
export function canonicalJson(value: unknown): string {
	if (value === undefined) return 'null';
	if (value === null || typeof value !== 'object') return JSON.stringify(value);
	const withToJson = value as { toJSON?: () => unknown };
	if (typeof withToJson.toJSON === 'function') return canonicalJson(withToJson.toJSON());
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	const entries = Object.entries(value as Record<string, unknown>)
		.filter(([, v]) => v !== undefined)
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function chainHash(prevHash: string, seq: number, content: unknown): string {
	const text = `${prevHash}\n${seq}\n${canonicalJson(content)}`;
	return encodeHexLowerCase(sha256(new TextEncoder().encode(text)));
}

export type ChainLink = { seq: number; prevHash: string; hash: string; content: unknown };

/**
 * Re-checks a community's chain in order. Returns the first link that does not hold (its content was
 * changed, or it no longer follows the one before), or null when the whole chain is intact.
 */
export function verifyChain(links: ChainLink[]): { seq: number; reason: 'hash' | 'link' | 'gap' } | null {
	let prev = GENESIS_HASH;
	for (let i = 0; i < links.length; i++) {
		const l = links[i];
		if (l.seq !== i + 1) return { seq: l.seq, reason: 'gap' };
		if (l.prevHash !== prev) return { seq: l.seq, reason: 'link' };
		if (chainHash(l.prevHash, l.seq, l.content) !== l.hash) return { seq: l.seq, reason: 'hash' };
		prev = l.hash;
	}
	return null;
}
