-- Co-edited documents are named with canonical ids only (`rules:1`, never `rules:01`). Before, a
-- writer could open `rules:01` (its access was checked as `rules:1`) and so create a shadow copy that
-- no page reads and that access changes (a closed meeting's agenda) did not reach. Those names can no
-- longer be opened; their rows are dropped. A non-canonical id was always digits with a leading zero.
DELETE FROM `yjs_update` WHERE `doc_name` GLOB 'rules:0*' OR `doc_name` GLOB 'meeting:0*' OR `doc_name` GLOB 'building:0*';--> statement-breakpoint
DELETE FROM `yjs_snapshot` WHERE `doc_name` GLOB 'rules:0*' OR `doc_name` GLOB 'meeting:0*' OR `doc_name` GLOB 'building:0*';
