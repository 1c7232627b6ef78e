import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type IndexerMetrics = ReturnType<typeof createIndexerMetrics>;

/** What an operator watches: documents by outcome, bulk latency, Elasticsearch reachability, lag. */
export function createIndexerMetrics(registry: Registry) {
  return {
    documents: new Counter({ name: 'indexer_documents_total', help: 'Documents by outcome (indexed, duplicate, dead)', labelNames: ['topic', 'result'], registers: [registry] }),
    bulkSeconds: new Histogram({ name: 'indexer_bulk_duration_seconds', help: 'Bulk request duration', buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] }),
    bulkDocs: new Histogram({ name: 'indexer_bulk_documents', help: 'Documents per bulk request', buckets: [1, 10, 100, 500, 1000, 2500, 5000, 10000], registers: [registry] }),
    retried: new Counter({ name: 'indexer_bulk_retried_documents_total', help: 'Documents Elasticsearch pushed back (429/5xx) and that were sent again', registers: [registry] }),
    elasticsearchUp: new Gauge({ name: 'indexer_elasticsearch_up', help: '1 while Elasticsearch accepts bulk requests', registers: [registry] }),
    lag: new Gauge({ name: 'indexer_partition_lag', help: 'Messages behind the high watermark after the last batch', labelNames: ['topic', 'partition'], registers: [registry] }),
  };
}
