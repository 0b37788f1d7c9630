ALTER TABLE `session` ADD `invitation_id` integer;--> statement-breakpoint
CREATE INDEX `session_invitation_idx` ON `session` (`invitation_id`);