CREATE TABLE `dispatch` (
	`id` integer PRIMARY KEY NOT NULL,
	`community_id` integer NOT NULL,
	`department_id` integer NOT NULL,
	`proposal_id` integer,
	`resolution_id` integer,
	`message` text NOT NULL,
	`deadline` integer NOT NULL,
	`status` text DEFAULT 'sent' NOT NULL,
	`created_by_user_id` integer NOT NULL,
	`handled_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`community_id`) REFERENCES `community`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`department_id`) REFERENCES `department`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`proposal_id`) REFERENCES `proposal`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`resolution_id`) REFERENCES `resolution`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `dispatch_department_idx` ON `dispatch` (`department_id`,`status`);--> statement-breakpoint
CREATE TABLE `dispatch_event` (
	`id` integer PRIMARY KEY NOT NULL,
	`dispatch_id` integer NOT NULL,
	`kind` text NOT NULL,
	`actor_user_id` integer NOT NULL,
	`text` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`dispatch_id`) REFERENCES `dispatch`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `follow_up` (
	`id` integer PRIMARY KEY NOT NULL,
	`community_id` integer NOT NULL,
	`resolution_id` integer NOT NULL,
	`owner_user_id` integer,
	`owner_department_id` integer,
	`due_on` text,
	`status` text DEFAULT 'notStarted' NOT NULL,
	`percent` integer DEFAULT 0 NOT NULL,
	`round` integer DEFAULT 0 NOT NULL,
	`rating_closes_at` integer,
	`closed_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`community_id`) REFERENCES `community`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`resolution_id`) REFERENCES `resolution`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_department_id`) REFERENCES `department`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `follow_up_resolution_id_unique` ON `follow_up` (`resolution_id`);--> statement-breakpoint
CREATE INDEX `follow_up_community_idx` ON `follow_up` (`community_id`,`status`);--> statement-breakpoint
CREATE TABLE `follow_up_photo` (
	`id` integer PRIMARY KEY NOT NULL,
	`update_id` integer NOT NULL,
	`file_name` text NOT NULL,
	`mime` text NOT NULL,
	`bytes` integer NOT NULL,
	`width` integer NOT NULL,
	`height` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`update_id`) REFERENCES `follow_up_update`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `follow_up_photo_file_name_unique` ON `follow_up_photo` (`file_name`);--> statement-breakpoint
CREATE TABLE `follow_up_update` (
	`id` integer PRIMARY KEY NOT NULL,
	`follow_up_id` integer NOT NULL,
	`author_user_id` integer NOT NULL,
	`text` text NOT NULL,
	`percent` integer NOT NULL,
	`status` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`follow_up_id`) REFERENCES `follow_up`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `minutes` (
	`id` integer PRIMARY KEY NOT NULL,
	`community_id` integer NOT NULL,
	`meeting_id` integer NOT NULL,
	`summary` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`content` text,
	`hash` text,
	`signed_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`community_id`) REFERENCES `community`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`meeting_id`) REFERENCES `meeting`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `minutes_meeting_id_unique` ON `minutes` (`meeting_id`);--> statement-breakpoint
CREATE TABLE `minutes_signature` (
	`minutes_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`role` text NOT NULL,
	`signed_at` integer NOT NULL,
	PRIMARY KEY(`minutes_id`, `user_id`),
	FOREIGN KEY (`minutes_id`) REFERENCES `minutes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `rating` (
	`id` integer PRIMARY KEY NOT NULL,
	`follow_up_id` integer NOT NULL,
	`round` integer NOT NULL,
	`resident_id` integer NOT NULL,
	`grade` text NOT NULL,
	`comment` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`follow_up_id`) REFERENCES `follow_up`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`resident_id`) REFERENCES `resident`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rating_once_uq` ON `rating` (`follow_up_id`,`round`,`resident_id`);--> statement-breakpoint
-- Resolutions passed before follow-ups existed get theirs now.
INSERT INTO `follow_up` (`community_id`, `resolution_id`) SELECT `community_id`, `id` FROM `resolution` WHERE `outcome` = 'passed';
