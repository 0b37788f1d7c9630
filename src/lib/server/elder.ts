/**
 * 长辈版 (elder mode), remembered per device (a cookie) and per account (so a new phone of the same
 * resident starts in it too). MIIT's 2021 适老化 rules are applied by the CSS under [data-elder].
 */
import type { Cookies } from '@sveltejs/kit';
import { eq } from 'drizzle-orm';
import type { Db } from './db';
import { user } from './db/schema';

export const ELDER_COOKIE = 'yizhan_elder';
const YEAR = 365 * 24 * 3600;

export function setElderMode(cookies: Cookies, db: Db, userId: number | null, on: boolean) {
	cookies.set(ELDER_COOKIE, on ? '1' : '0', { path: '/', maxAge: YEAR, httpOnly: true, sameSite: 'lax' });
	if (userId !== null) db.update(user).set({ elderMode: on }).where(eq(user.id, userId)).run();
}
