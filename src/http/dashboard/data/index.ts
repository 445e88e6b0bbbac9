import { overviewData } from './overview.ts';
import { participantData } from './participant.ts';
import { refusalsData } from './refusals.ts';
import { searchData } from './search.ts';
import { replayNotification, tramiteData } from './tramite.ts';

/**
 * One data function per page: the only place a page reads from services (services.monitoring,
 * scoped to the principal). Tests may replace one.
 */
export const defaultDashboardData = {
  overview: overviewData,
  search: searchData,
  tramite: tramiteData,
  participant: participantData,
  refusals: refusalsData,
  replayNotification,
};
export type DashboardData = typeof defaultDashboardData;

export type { OverviewView, StuckRow, ThroughputBucket } from './overview.ts';
export type { SearchForm, SearchView } from './search.ts';
export { SEARCH_FIELDS } from './search.ts';
export type { RefusalForm, RefusalsView } from './refusals.ts';
export { REFUSAL_FIELDS } from './refusals.ts';
export type { TramiteView, TramiteContent, DeadNotification } from './tramite.ts';
export type { ParticipantView, PairFigures } from './participant.ts';
export { reduceForSigilo } from './tramite.ts';
