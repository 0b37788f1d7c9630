CREATE TABLE `attendance` (
	`id` integer PRIMARY KEY NOT NULL,
	`meeting_id` integer NOT NULL,
	`resident_id` integer NOT NULL,
	`household_id` integer NOT NULL,
	`present` integer NOT NULL,
	`channel` text NOT NULL,
	`marked_by_user_id` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`meeting_id`) REFERENCES `meeting`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`resident_id`) REFERENCES `resident`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`household_id`) REFERENCES `household`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`marked_by_user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `attendance_uq` ON `attendance` (`meeting_id`,`resident_id`);--> statement-breakpoint
CREATE TABLE `meeting` (
	`id` integer PRIMARY KEY NOT NULL,
	`community_id` integer NOT NULL,
	`title` text NOT NULL,
	`scope_type` text NOT NULL,
	`scope_id` integer NOT NULL,
	`starts_at` integer NOT NULL,
	`place` text NOT NULL,
	`voting_unit` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`is_public` integer DEFAULT true NOT NULL,
	`join_code` text NOT NULL,
	`current_item_id` text,
	`timer_item_id` text,
	`timer_started_at` integer,
	`timer_elapsed_ms` integer DEFAULT 0 NOT NULL,
	`created_by_user_id` integer NOT NULL,
	`opened_at` integer,
	`closed_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`community_id`) REFERENCES `community`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `meeting_join_code_unique` ON `meeting` (`join_code`);--> statement-breakpoint
CREATE TABLE `proposal` (
	`id` integer PRIMARY KEY NOT NULL,
	`community_id` integer NOT NULL,
	`estate_id` integer,
	`building_id` integer,
	`title` text NOT NULL,
	`description` text NOT NULL,
	`category` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`proposer_resident_id` integer NOT NULL,
	`filed_by_user_id` integer NOT NULL,
	`decline_reason` text,
	`merged_into_id` integer,
	`second_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer,
	FOREIGN KEY (`community_id`) REFERENCES `community`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`estate_id`) REFERENCES `estate`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`building_id`) REFERENCES `building`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`proposer_resident_id`) REFERENCES `resident`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`filed_by_user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `proposal_community_status_idx` ON `proposal` (`community_id`,`status`);--> statement-breakpoint
CREATE TABLE `proposal_second` (
	`proposal_id` integer NOT NULL,
	`resident_id` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`proposal_id`) REFERENCES `proposal`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`resident_id`) REFERENCES `resident`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `proposal_second_uq` ON `proposal_second` (`proposal_id`,`resident_id`);--> statement-breakpoint
CREATE TABLE `speaker_request` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`meeting_id` integer NOT NULL,
	`resident_id` integer NOT NULL,
	`status` text NOT NULL,
	`raised_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`meeting_id`) REFERENCES `meeting`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`resident_id`) REFERENCES `resident`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `speaker_request_meeting_idx` ON `speaker_request` (`meeting_id`,`status`);