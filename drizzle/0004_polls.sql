CREATE TABLE `hand_count` (
	`poll_id` integer NOT NULL,
	`option_id` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`poll_id`, `option_id`),
	FOREIGN KEY (`poll_id`) REFERENCES `poll`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `hand_count_entry` (
	`id` integer PRIMARY KEY NOT NULL,
	`poll_id` integer NOT NULL,
	`counts` text NOT NULL,
	`entered_by_user_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`poll_id`) REFERENCES `poll`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`entered_by_user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `poll` (
	`id` integer PRIMARY KEY NOT NULL,
	`meeting_id` integer NOT NULL,
	`agenda_item_id` text,
	`proposal_id` integer,
	`question` text NOT NULL,
	`type` text NOT NULL,
	`options` text NOT NULL,
	`max_choices` integer DEFAULT 1 NOT NULL,
	`rules` text NOT NULL,
	`status` text NOT NULL,
	`opened_at` integer NOT NULL,
	`closes_at` integer,
	`closed_at` integer,
	`opened_by_user_id` integer NOT NULL,
	FOREIGN KEY (`meeting_id`) REFERENCES `meeting`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`proposal_id`) REFERENCES `proposal`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`opened_by_user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `poll_meeting_idx` ON `poll` (`meeting_id`);--> statement-breakpoint
CREATE INDEX `poll_open_idx` ON `poll` (`status`,`closes_at`);--> statement-breakpoint
-- Hand-edited: WITHOUT ROWID, so no insertion order links a secret choice to its voter.
CREATE TABLE `poll_choice` (
	`poll_id` integer NOT NULL,
	`receipt` text NOT NULL,
	`choices` text NOT NULL,
	PRIMARY KEY(`poll_id`, `receipt`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `poll_vote` (
	`id` integer PRIMARY KEY NOT NULL,
	`poll_id` integer NOT NULL,
	`unit_key` text NOT NULL,
	`voter_resident_id` integer NOT NULL,
	`channel` text NOT NULL,
	`ballot_id` text NOT NULL,
	`choices` text,
	`receipt` text,
	`recorded_by_user_id` integer,
	`consent_note` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`poll_id`) REFERENCES `poll`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`voter_resident_id`) REFERENCES `resident`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by_user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `poll_vote_unit_uq` ON `poll_vote` (`poll_id`,`unit_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `poll_vote_ballot_uq` ON `poll_vote` (`poll_id`,`ballot_id`);--> statement-breakpoint
CREATE TABLE `proxy` (
	`id` integer PRIMARY KEY NOT NULL,
	`meeting_id` integer NOT NULL,
	`grantor_resident_id` integer NOT NULL,
	`proxy_resident_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`meeting_id`) REFERENCES `meeting`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`grantor_resident_id`) REFERENCES `resident`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`proxy_resident_id`) REFERENCES `resident`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `proxy_meeting_idx` ON `proxy` (`meeting_id`,`grantor_resident_id`);--> statement-breakpoint
CREATE TABLE `resolution` (
	`id` integer PRIMARY KEY NOT NULL,
	`community_id` integer NOT NULL,
	`poll_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`content` text NOT NULL,
	`outcome` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL,
	`decided_at` integer NOT NULL,
	FOREIGN KEY (`community_id`) REFERENCES `community`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`poll_id`) REFERENCES `poll`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `resolution_poll_id_unique` ON `resolution` (`poll_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `resolution_hash_unique` ON `resolution` (`hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `resolution_seq_uq` ON `resolution` (`community_id`,`seq`);