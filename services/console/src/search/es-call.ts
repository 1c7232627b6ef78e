import { errors } from '@elastic/elasticsearch';
import { AppError } from '../../../../lib/errors';

/**
 * Runs an Elasticsearch request for a route: a request Elasticsearch refuses as malformed is the caller's
 * 400 (e.g. too many clauses); anything else is a retriable 503 — search being down must never look like
 * "no results".
 */
export async function esCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof errors.ResponseError && err.statusCode === 400) {
      throw new AppError('validation_failed', `Elasticsearch refused the ${what}`, { cause: err, errors: [{ path: '', message: 'the search could not be run as given; narrow it down' }] });
    }
    throw new AppError('search_unavailable', undefined, { cause: err, retryAfterSeconds: 5 });
  }
}

/** Total hits as a number, whichever form Elasticsearch returned. */
export const totalOf = (t: number | { value: number } | undefined): number => (typeof t === 'number' ? t : (t?.value ?? 0));
