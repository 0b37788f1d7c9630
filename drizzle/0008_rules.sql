CREATE TABLE `rules_adoption` (
	`id` integer PRIMARY KEY NOT NULL,
	`community_id` integer NOT NULL,
	`clause_id` text NOT NULL,
	`version_id` integer NOT NULL,
	`resolution_id` integer NOT NULL,
	`text` text NOT NULL,
	`adopted_at` integer NOT NULL,
	FOREIGN KEY (`community_id`) REFERENCES `community`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`version_id`) REFERENCES `rules_version`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`resolution_id`) REFERENCES `resolution`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rules_adoption_uq` ON `rules_adoption` (`resolution_id`,`clause_id`);--> statement-breakpoint
CREATE TABLE `rules_comment` (
	`id` integer PRIMARY KEY NOT NULL,
	`community_id` integer NOT NULL,
	`clause_id` text NOT NULL,
	`parent_id` integer,
	`kind` text NOT NULL,
	`body` text NOT NULL,
	`suggestion` text,
	`quote` text DEFAULT '' NOT NULL,
	`anchor_start` text,
	`anchor_end` text,
	`author_user_id` integer NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`decided_by_user_id` integer,
	`reason` text,
	`decided_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`community_id`) REFERENCES `community`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by_user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `rules_comment_community_idx` ON `rules_comment` (`community_id`,`clause_id`);--> statement-breakpoint
CREATE TABLE `rules_edit` (
	`community_id` integer NOT NULL,
	`clause_id` text NOT NULL,
	`user_id` integer NOT NULL,
	`minute` integer NOT NULL,
	PRIMARY KEY(`community_id`, `clause_id`, `user_id`, `minute`),
	FOREIGN KEY (`community_id`) REFERENCES `community`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `rules_poll` (
	`poll_id` integer PRIMARY KEY NOT NULL,
	`community_id` integer NOT NULL,
	`version_id` integer NOT NULL,
	`clause_ids` text,
	FOREIGN KEY (`poll_id`) REFERENCES `poll`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`community_id`) REFERENCES `community`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`version_id`) REFERENCES `rules_version`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `rules_publication` (
	`id` integer PRIMARY KEY NOT NULL,
	`community_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`version_id` integer NOT NULL,
	`resolution_id` integer NOT NULL,
	`text` text NOT NULL,
	`effective_from` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL,
	`published_by_user_id` integer NOT NULL,
	`published_at` integer NOT NULL,
	FOREIGN KEY (`community_id`) REFERENCES `community`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`version_id`) REFERENCES `rules_version`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`resolution_id`) REFERENCES `resolution`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`published_by_user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rules_publication_resolution_id_unique` ON `rules_publication` (`resolution_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `rules_publication_hash_unique` ON `rules_publication` (`hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `rules_publication_seq_uq` ON `rules_publication` (`community_id`,`seq`);--> statement-breakpoint
CREATE TABLE `rules_version` (
	`id` integer PRIMARY KEY NOT NULL,
	`community_id` integer NOT NULL,
	`name` text NOT NULL,
	`state` blob NOT NULL,
	`text` text NOT NULL,
	`created_by_user_id` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`community_id`) REFERENCES `community`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `rules_version_community_idx` ON `rules_version` (`community_id`);