ALTER TABLE `poll_vote` ADD `receipt_check` text;--> statement-breakpoint
-- Hand-edited: a closed secret poll's choices live in its resolution (sorted by receipt); the ballot
-- box rows left from before, in insertion order, are deleted (secure_delete is on: zeroed).
DELETE FROM `poll_choice` WHERE `poll_id` IN (SELECT `id` FROM `poll` WHERE `status` = 'closed');
