/**
 * Minutes as files: Markdown for archives and notice boards, and a CSV of the named ballots for the
 * staff. Secret polls are never exported per voter (their choices are not linked to anyone anyway).
 * Words come from the requester's language; the content itself holds only codes and numbers.
 */
import { m } from '$lib/paraglide/messages';
import { label } from '$lib/i18n';
import { MEETING_BODY } from '$lib/meeting-labels';
import {
	attendanceWords,
	minutesTime,
	participationWords,
	roleWords,
	signerName,
	speakerLine
} from '$lib/minutes';
import {
	channelWords,
	choiceWords,
	optionLabel,
	outcomeWords,
	rulesLines,
	turnoutLine
} from '$lib/components/poll/format';
import type { Db } from '../db';
import { toCsv } from './csv';
import type { Actor } from '../authz';
import { namedBallots } from '../domain/minutes';
import type { MinutesContent, MinutesPoll } from '../domain/minutes-content';

/** Typed text shown as text: Markdown and HTML in a title or a note must not turn into markup. */
function mdText(s: string): string {
	return s
		.replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`)
		.replace(/^(\s*)([#+\-=]|\d+\.)/gm, (_, sp: string, mark: string) => `${sp}\\${mark}`);
}

/** A multi-line text as a quote block, so its line breaks survive. */
const mdQuote = (s: string) =>
	mdText(s)
		.split('\n')
		.map((l) => `> ${l}`)
		.join('  \n'); // two spaces: a hard line break in Markdown

function pollMarkdown(p: MinutesPoll, n: number, c: MinutesContent): string[] {
	const item = c.agenda.find((i) => i.id === p.agendaItemId);
	const out = [`### ${m.minutes_poll_heading({ n, question: mdText(p.question) })}`, ''];
	if (item) out.push(`- ${m.minutes_poll_item({ title: mdText(item.title) })}`);
	out.push(`- ${m.minutes_poll_rules()}`, ...rulesLines(p.rules).map((l) => `  - ${l}`));
	if (!p.tally) out.push(`- ${m.minutes_poll_hidden()}`);
	else {
		out.push(`- ${m.minutes_poll_tally()}`);
		for (const o of p.options)
			out.push(
				`  - ${m.punct_label_value({ label: mdText(optionLabel(p.type, o)), value: m.minutes_poll_votes({ count: p.tally.perOption[o.id] ?? 0 }) })}`
			);
		out.push(`- ${turnoutLine(p.tally, p.rules)}`);
		const channels = participationWords(p);
		if (channels) out.push(`- ${m.minutes_poll_channels({ list: channels })}`);
	}
	if (p.outcome) {
		const carried = choiceWords(p.type, p.options, p.carried);
		out.push(
			`- **${m.minutes_poll_outcome({ outcome: outcomeWords(p.outcome) })}**${carried ? m.punct_aside({ text: mdText(carried) }) : ''}`
		);
	} else out.push(`- ${m.minutes_poll_open()}`);
	if (p.resolution)
		out.push(
			`- ${m.minutes_poll_resolution({ id: p.resolution.id })}${m.punct_colon()}\`${p.resolution.hash}\``
		);
	return [...out, ''];
}

/** The whole minutes as Markdown; `seal` is the hash and time of signed minutes. */
export function toMarkdown(
	c: MinutesContent,
	seal: { hash: string; signedAt: number | null } | null
): string {
	const mt = c.meeting;
	const out = [`# ${m.punct_label_value({ label: m.minutes_title(), value: mdText(mt.title) })}`, ''];
	out.push(`**${seal ? m.minutes_status_signed() : m.minutes_status_draft()}**`, '');
	out.push(`- ${m.minutes_fact_starts({ time: minutesTime(mt.startsAt) })}`);
	if (mt.openedAt && mt.closedAt)
		out.push(
			`- ${m.minutes_fact_held({ opened: minutesTime(mt.openedAt), closed: minutesTime(mt.closedAt) })}`
		);
	out.push(`- ${m.minutes_fact_place({ place: mdText(mt.place) })}`);
	out.push(`- ${m.minutes_fact_scope({ scope: mdText(mt.scope.names.join(' ')) })}`);
	out.push(`- ${label(MEETING_BODY, mt.body)}`, '');
	out.push(`## ${m.minutes_attendance_title()}`, '', ...attendanceWords(c).map((l) => `- ${l}`), '');
	out.push(`## ${m.minutes_agenda_title()}`, '');
	if (!c.agenda.length) out.push(m.minutes_agenda_empty(), '');
	c.agenda.forEach((i, k) => {
		out.push(`${k + 1}. **${mdText(i.title)}**${m.minutes_agenda_item_minutes({ minutes: i.minutes })}`);
		if (i.notes.trim())
			out.push(
				'',
				...mdQuote(i.notes.trim())
					.split('\n')
					.map((l) => `   ${l}`),
				''
			);
	});
	out.push('', `## ${m.minutes_speakers_title()}`, '');
	if (!c.speakers.length) out.push(m.minutes_speakers_none());
	c.speakers.forEach((s, k) => out.push(`${k + 1}. ${mdText(speakerLine(s, k + 1))}`));
	out.push('', `## ${m.minutes_polls_title()}`, '');
	if (!c.polls.length) out.push(m.minutes_polls_none(), '');
	c.polls.forEach((p, k) => out.push(...pollMarkdown(p, k + 1, c)));
	out.push(
		`## ${m.minutes_summary_title()}`,
		'',
		c.summary ? mdQuote(c.summary) : m.minutes_summary_empty(),
		''
	);
	out.push(`## ${m.minutes_signatures_title()}`, '');
	if (!c.signatures.length) out.push(m.minutes_signatures_none());
	for (const s of c.signatures)
		out.push(
			`- ${m.minutes_signed_by({ role: roleWords(s.role), name: mdText(signerName(s)), time: minutesTime(s.signedAt) })}`
		);
	if (seal) out.push('', `## ${m.minutes_hash_title()}`, '', `\`${seal.hash}\``);
	// Sections each end with a blank line; typed text cannot hold one (every line of it is quoted).
	return out.join('\n').replace(/\n{3,}/g, '\n\n') + '\n';
}

/** Named ballots of the meeting's closed polls, one row each, for staff who may edit the minutes. */
export function ballotsCsv(db: Db, actor: Actor | null, meetingId: number): string {
	const rows: Array<Array<string | number>> = [
		[
			m.minutes_csv_poll(),
			m.minutes_csv_question(),
			m.minutes_csv_building(),
			m.minutes_csv_unit(),
			m.minutes_csv_voter(),
			m.minutes_csv_choice(),
			m.minutes_csv_channel(),
			m.minutes_csv_time()
		]
	];
	for (const { n, poll: p, votes } of namedBallots(db, actor, meetingId))
		for (const v of votes)
			rows.push([
				n,
				p.question,
				v.building,
				v.unit,
				v.name,
				choiceWords(p.type, p.options, v.choices ?? []),
				channelWords(v.channel),
				minutesTime(v.at.getTime())
			]);
	return toCsv(rows);
}
