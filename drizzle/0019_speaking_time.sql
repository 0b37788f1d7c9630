ALTER TABLE `meeting` ADD `speech_limit_seconds` integer;--> statement-breakpoint
ALTER TABLE `speaker_request` ADD `started_at` integer;--> statement-breakpoint
ALTER TABLE `speaker_request` ADD `ended_at` integer;--> statement-breakpoint
ALTER TABLE `speaker_request` ADD `limit_seconds` integer;