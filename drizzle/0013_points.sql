CREATE TABLE `point_entry` (
	`id` integer PRIMARY KEY NOT NULL,
	`community_id` integer NOT NULL,
	`resident_id` integer NOT NULL,
	`amount` integer NOT NULL,
	`reason` text NOT NULL,
	`rule_id` integer,
	`source_type` text NOT NULL,
	`source_id` integer,
	`year` integer NOT NULL,
	`note` text,
	`recorded_by_user_id` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`community_id`) REFERENCES `community`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`resident_id`) REFERENCES `resident`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`rule_id`) REFERENCES `point_rule`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by_user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `point_entry_once_uq` ON `point_entry` (`resident_id`,`reason`,`source_type`,`source_id`);--> statement-breakpoint
CREATE INDEX `point_entry_resident_idx` ON `point_entry` (`resident_id`,`year`);--> statement-breakpoint
CREATE INDEX `point_entry_community_idx` ON `point_entry` (`community_id`,`year`);--> statement-breakpoint
CREATE TABLE `point_rule` (
	`id` integer PRIMARY KEY NOT NULL,
	`community_id` integer NOT NULL,
	`kind` text NOT NULL,
	`code` text NOT NULL,
	`label` text,
	`amount` integer NOT NULL,
	`yearly_cap` integer,
	`threshold` integer,
	`active` integer DEFAULT true NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`community_id`) REFERENCES `community`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `point_rule_code_uq` ON `point_rule` (`community_id`,`code`);--> statement-breakpoint
-- Append-only: a balance is the sum of the ledger, so no row may change or disappear; a correction is a reversing entry.
CREATE TRIGGER `point_entry_no_update` BEFORE UPDATE ON `point_entry` BEGIN SELECT RAISE(ABORT, 'POINTS_APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER `point_entry_no_delete` BEFORE DELETE ON `point_entry` BEGIN SELECT RAISE(ABORT, 'POINTS_APPEND_ONLY'); END;
