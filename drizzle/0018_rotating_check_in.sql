ALTER TABLE `meeting` ADD `rotating_check_in` integer DEFAULT false NOT NULL;--> statement-breakpoint
-- Hand-edited: SQLite cannot add a NOT NULL column without a default, and existing meetings each need
-- their own random key, which a column default cannot give; new rows get theirs from the app.
ALTER TABLE `meeting` ADD `check_in_secret` text DEFAULT '' NOT NULL;--> statement-breakpoint
UPDATE `meeting` SET `check_in_secret` = lower(hex(randomblob(20)));
