import { overviewData } from './overview.ts';
import { participantData } from './participant.ts';
import { searchData } from './search.ts';
import { replayNotification, tramiteData } from './tramite.ts';

/**
 * One data function per page: the only place a page reads from services. Tests may replace
 * one; the monitoring service replaces the temporary ones (see each file).
 */
export const defaultDashboardData = { overview: overviewData, search: searchData, tramite: tramiteData, participant: participantData, replayNotification };
export type DashboardData = typeof defaultDashboardData;

export type { OverviewView, StuckRow, ThroughputBucket } from './overview.ts';
export type { SearchView } from './search.ts';
export type { TramiteView, TramiteContent, DeadNotification } from './tramite.ts';
export type { ParticipantView } from './participant.ts';
export { reduceForSigilo } from './tramite.ts';
