/** Small HTTP helpers that speak to the server the way a browser form does. */
export async function postForm(url: string, fields: Record<string, string>, cookie?: string) {
	const origin = new URL(url).origin;
	return fetch(url, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			origin,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded',
			...(cookie ? { cookie } : {})
		},
		body: new URLSearchParams(fields)
	});
}

/** The `name=value` part of the session cookie a response set, for the next request's Cookie header. */
export function sessionCookie(res: Response): string | undefined {
	const header = res.headers.getSetCookie().find((c) => c.startsWith('yizhan_session='));
	const pair = header?.split(';')[0];
	return pair && pair !== 'yizhan_session=' ? pair : undefined;
}

export async function login(baseUrl: string, username: string, password = 'yizhan-demo') {
	const res = await postForm(`${baseUrl}/login`, { username, password });
	const cookie = sessionCookie(res);
	if (!cookie) throw new Error(`login as ${username} failed: ${res.status}`);
	return cookie;
}

export async function join(baseUrl: string, path: string) {
	const res = await fetch(baseUrl + path, { redirect: 'manual' });
	return { res, cookie: sessionCookie(res) };
}
