ALTER TABLE `point_entry` ADD `request_key` text;--> statement-breakpoint
CREATE UNIQUE INDEX `point_entry_request_uq` ON `point_entry` (`request_key`);