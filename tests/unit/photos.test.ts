import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { MAX_PHOTO_BYTES, storePhotos } from '$lib/server/photos';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
	const d = mkdtempSync(join(tmpdir(), 'yizhan-photos-'));
	dirs.push(d);
	return d;
};
const image = (format: 'jpeg' | 'png' | 'webp' | 'gif', width = 40, height = 30) =>
	sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
		.withExif({ IFD0: { Copyright: '居民张三', ImageDescription: 'GPS 24.3N 103.7E' } })
		.toFormat(format)
		.toBuffer();

describe('follow-up photos', () => {
	it('re-encodes JPEG, PNG and WebP without any metadata, under random names', async () => {
		const dir = tempDir();
		const inputs = await Promise.all([image('jpeg'), image('png'), image('webp')]);
		expect((await sharp(inputs[0]).metadata()).exif).toBeDefined();
		const stored = await storePhotos(dir, inputs);
		expect(stored.map((s) => s.mime)).toEqual(['image/jpeg', 'image/png', 'image/webp']);
		for (const s of stored) {
			expect(s.fileName).toMatch(/^[0-9a-f]{32}\.(jpg|png|webp)$/);
			const meta = await sharp(readFileSync(join(dir, s.fileName))).metadata();
			expect(meta.exif).toBeUndefined();
			expect([meta.width, meta.height]).toEqual([40, 30]);
		}
	});

	it('caps the long side so phones on weak 4G download little', async () => {
		const [s] = await storePhotos(tempDir(), [await image('jpeg', 4000, 1000)]);
		expect([s.width, s.height]).toEqual([1600, 400]);
	});

	it('refuses other types, non-images, oversize files and too many photos, writing nothing', async () => {
		const dir = tempDir();
		const good = await image('jpeg');
		await expect(storePhotos(dir, [good, await image('gif')])).rejects.toThrow('UPLOAD_INVALID');
		await expect(storePhotos(dir, [new TextEncoder().encode('<svg onload=alert(1)>')])).rejects.toThrow(
			'UPLOAD_INVALID'
		);
		await expect(storePhotos(dir, [new Uint8Array(MAX_PHOTO_BYTES + 1)])).rejects.toThrow('UPLOAD_INVALID');
		await expect(storePhotos(dir, [good, good, good, good, good])).rejects.toThrow('UPLOAD_INVALID');
		expect(readdirSync(dir)).toEqual([]);
	});
});
