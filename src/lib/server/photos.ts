/**
 * Photos attached to follow-up reports. Only JPEG, PNG and WebP are taken, recognised by their content
 * (not their name or declared type), at most 8 MB and 40 megapixels each. Each is re-encoded by sharp:
 * that drops EXIF/GPS and every other metadata, applies the camera's rotation first, and caps the size
 * a phone on weak 4G has to download. Files get random names under the uploads folder.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { DomainError } from './domain/errors';

export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;
export const MAX_PHOTOS = 4;
const MAX_PIXELS = 40_000_000;
const LONG_SIDE = 1600;

const FORMATS = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' } as const;
type Format = keyof typeof FORMATS;
const EXT: Record<Format, string> = { jpeg: 'jpg', png: 'png', webp: 'webp' };

export type StoredPhoto = {
	fileName: string;
	mime: (typeof FORMATS)[Format];
	bytes: number;
	width: number;
	height: number;
};

/** Re-encodes one upload, or UPLOAD_INVALID (wrong type, too big, not an image at all). */
async function reencode(
	input: Uint8Array
): Promise<{ data: Buffer; format: Format; width: number; height: number }> {
	if (input.byteLength === 0 || input.byteLength > MAX_PHOTO_BYTES) throw new DomainError('UPLOAD_INVALID');
	let format: string | undefined;
	try {
		const meta = await sharp(input, { limitInputPixels: MAX_PIXELS }).metadata();
		format = meta.format;
	} catch {
		throw new DomainError('UPLOAD_INVALID');
	}
	if (!format || !(format in FORMATS)) throw new DomainError('UPLOAD_INVALID', { format });
	const f = format as Format;
	try {
		const { data, info } = await sharp(input, { limitInputPixels: MAX_PIXELS })
			.rotate()
			.resize({ width: LONG_SIDE, height: LONG_SIDE, fit: 'inside', withoutEnlargement: true })
			.toFormat(f, f === 'png' ? {} : { quality: 82 })
			.toBuffer({ resolveWithObject: true });
		return { data, format: f, width: info.width, height: info.height };
	} catch {
		throw new DomainError('UPLOAD_INVALID');
	}
}

/** Checks and writes every photo, or none: one bad file rejects the whole report. */
export async function storePhotos(dir: string, uploads: Uint8Array[]): Promise<StoredPhoto[]> {
	if (uploads.length > MAX_PHOTOS) throw new DomainError('UPLOAD_INVALID', { max: MAX_PHOTOS });
	const encoded = [];
	for (const u of uploads) encoded.push(await reencode(u));
	await mkdir(dir, { recursive: true });
	const stored: StoredPhoto[] = [];
	try {
		for (const e of encoded) {
			const fileName = `${randomBytes(16).toString('hex')}.${EXT[e.format]}`;
			await writeFile(join(dir, fileName), e.data, { flag: 'wx' });
			stored.push({
				fileName,
				mime: FORMATS[e.format],
				bytes: e.data.byteLength,
				width: e.width,
				height: e.height
			});
		}
	} catch (err) {
		await removePhotos(dir, stored);
		throw err;
	}
	return stored;
}

/** Removes written files again (when the report they belong to could not be saved). */
export async function removePhotos(dir: string, photos: Pick<StoredPhoto, 'fileName'>[]) {
	await Promise.all(photos.map((p) => rm(join(dir, p.fileName), { force: true })));
}

/** The path of a stored photo; the name comes from the database, never from a request. */
export const photoPath = (dir: string, fileName: string) => join(dir, fileName);
