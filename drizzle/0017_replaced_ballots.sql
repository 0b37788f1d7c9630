CREATE TABLE `poll_replaced_ballot` (
	`poll_id` integer NOT NULL,
	`ballot_id` text NOT NULL,
	`vote_id` integer NOT NULL,
	`receipt` text NOT NULL,
	`choices` text NOT NULL,
	`channel` text NOT NULL,
	`recorded_by_user_id` integer,
	`replaced_by_channel` text NOT NULL,
	`replaced_at` integer NOT NULL,
	PRIMARY KEY(`poll_id`, `ballot_id`),
	FOREIGN KEY (`poll_id`) REFERENCES `poll`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`vote_id`) REFERENCES `poll_vote`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by_user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `poll_replaced_ballot_receipt_uq` ON `poll_replaced_ballot` (`poll_id`,`receipt`);