import { z } from 'zod';
import { ExportQuery, RouteQuery, SearchBody, StatsQuery, TimelineQuery } from './search-request';

/**
 * JSON Schemas of the search routes' inputs, for /openapi.json (and the fuzzers that read it). Validation
 * stays with zod in the handlers; these only document.
 */
const doc = (s: z.ZodType): object => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as object;

export const SEARCH_DOCS = {
  searchBody: doc(SearchBody),
  exportQuery: doc(ExportQuery),
  timelineQuery: doc(TimelineQuery),
  routeQuery: doc(RouteQuery),
  statsQuery: doc(StatsQuery),
  plateParams: { type: 'object', required: ['plate'], properties: { plate: { type: 'string', maxLength: 32, description: 'a plate, e.g. 晋C7K245' } } },
  personParams: { type: 'object', required: ['idNumber'], properties: { idNumber: { type: 'string', maxLength: 20, description: '18-digit (or legacy 15-digit) resident id' } } },
  eventParams: { type: 'object', required: ['eventId'], properties: { eventId: { type: 'string', maxLength: 64 } } },
} as const;
