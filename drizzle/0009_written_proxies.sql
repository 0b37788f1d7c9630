ALTER TABLE `proxy` ADD `relation` text;--> statement-breakpoint
ALTER TABLE `proxy` ADD `recorded_by_user_id` integer REFERENCES user(id);