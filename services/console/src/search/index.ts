export { registerSearchRoutes } from './register-search-routes';
export type { SearchAuditRecord, SearchDeps } from './search-deps';
export { SEARCH_ROLES, seesFullIds } from './search-roles';
