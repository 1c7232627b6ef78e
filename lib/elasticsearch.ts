import { Client } from '@elastic/elasticsearch';

/** Elasticsearch client with bounded retries; callers decide what "unavailable" means for their users. */
export function createElasticsearch(url: string, opts: { requestTimeoutMs?: number; maxRetries?: number } = {}): Client {
  return new Client({
    node: url,
    requestTimeout: opts.requestTimeoutMs ?? 30_000,
    maxRetries: opts.maxRetries ?? 2,
    compression: false,
  });
}
