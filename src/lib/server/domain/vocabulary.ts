/**
 * The domain's fixed lists (roles, bodies, statuses, categories), for the edge to validate input and
 * offer choices. They are defined with the tables that store them; routes import them from here.
 */
export {
	BODIES,
	MEETING_SCOPES,
	PROPOSAL_CATEGORIES,
	PROPOSAL_STATUSES,
	ROLES,
	SCOPE_TYPES,
	VOTING_UNITS
} from '../db/schema';
