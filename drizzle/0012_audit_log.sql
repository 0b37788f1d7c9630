CREATE TABLE `audit_entry` (
	`id` integer PRIMARY KEY NOT NULL,
	`community_id` integer NOT NULL,
	`actor_user_id` integer,
	`action` text NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` integer,
	`detail` text DEFAULT '{}' NOT NULL,
	`at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`community_id`) REFERENCES `community`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `audit_entry_community_idx` ON `audit_entry` (`community_id`,`at`);--> statement-breakpoint
-- Append-only: the log refuses to be rewritten, even by the app.
CREATE TRIGGER `audit_entry_no_update` BEFORE UPDATE ON `audit_entry` BEGIN SELECT RAISE(ABORT, 'AUDIT_APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER `audit_entry_no_delete` BEFORE DELETE ON `audit_entry` BEGIN SELECT RAISE(ABORT, 'AUDIT_APPEND_ONLY'); END;
