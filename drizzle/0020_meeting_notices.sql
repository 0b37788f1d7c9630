CREATE TABLE `meeting_notice` (
	`id` integer PRIMARY KEY NOT NULL,
	`meeting_id` integer NOT NULL,
	`version` integer NOT NULL,
	`title` text NOT NULL,
	`starts_at` integer NOT NULL,
	`place` text NOT NULL,
	`issued_at` integer NOT NULL,
	`issued_by_user_id` integer,
	`superseded_at` integer,
	FOREIGN KEY (`meeting_id`) REFERENCES `meeting`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`issued_by_user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `meeting_notice_version_uq` ON `meeting_notice` (`meeting_id`,`version`);--> statement-breakpoint
CREATE INDEX `meeting_notice_meeting_idx` ON `meeting_notice` (`meeting_id`);--> statement-breakpoint
-- Meetings called before notices were kept: their first notice is what they were created with.
INSERT INTO `meeting_notice` (`meeting_id`, `version`, `title`, `starts_at`, `place`, `issued_at`, `issued_by_user_id`)
SELECT `id`, 1, `title`, `starts_at`, `place`, `created_at`, `created_by_user_id` FROM `meeting`;
