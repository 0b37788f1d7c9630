ALTER TABLE `household` ADD `floor_area` integer;--> statement-breakpoint
ALTER TABLE `household` ADD `owner_key` text;--> statement-breakpoint
ALTER TABLE `household` ADD `unsold` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `resident` ADD `adult` integer;--> statement-breakpoint
ALTER TABLE `resident` ADD `household_representative` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `resident` ADD `villager_representative` integer DEFAULT false NOT NULL;