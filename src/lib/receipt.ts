/**
 * Ballot receipt codes (回执码), made on the phone (or by the server for assisted and form ballots):
 * the voter checks theirs in the resolution's published list after close.
 */

/** No 0/o, 1/l/i: a receipt read aloud or copied by hand is not misread. */
export const RECEIPT_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const RECEIPT_LENGTH = 10;
export const RECEIPT_PATTERN = new RegExp(`^[${RECEIPT_ALPHABET}]{${RECEIPT_LENGTH}}$`);

/** 10 characters from RECEIPT_ALPHABET, uniformly (bytes above the last full multiple are drawn again). */
export function makeReceipt(): string {
	const n = RECEIPT_ALPHABET.length;
	const limit = 256 - (256 % n);
	let out = '';
	const bytes = new Uint8Array(32);
	while (out.length < RECEIPT_LENGTH) {
		crypto.getRandomValues(bytes);
		for (const b of bytes) {
			if (b >= limit) continue;
			out += RECEIPT_ALPHABET[b % n];
			if (out.length === RECEIPT_LENGTH) break;
		}
	}
	return out;
}
