CREATE TABLE `poll_ballot_alias` (
	`poll_id` integer NOT NULL,
	`ballot_id` text NOT NULL,
	`vote_id` integer NOT NULL,
	PRIMARY KEY(`poll_id`, `ballot_id`),
	FOREIGN KEY (`vote_id`) REFERENCES `poll_vote`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `poll_vote_receipt_uq` ON `poll_vote` (`poll_id`,`receipt`);