# One image for every service; the compose file picks the entry point per service.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
# patch-package applies these on npm ci's postinstall (kafkajs fixes; see patches/): without them it would pass silently.
COPY patches ./patches
RUN npm ci --omit=optional && npm cache clean --force
COPY tsconfig.json ./
COPY lib ./lib
COPY schemas ./schemas
COPY infra ./infra
COPY services ./services
COPY dashboards ./dashboards
COPY scripts ./scripts
ENV NODE_ENV=production HOST=0.0.0.0
# The rules service's watchlist snapshots (warm start): a named volume mounted here keeps this ownership.
RUN mkdir -p /data/snapshots && chown node:node /data/snapshots
USER node
# SERVICE is set per container in docker-compose.yml (gateway | rules | indexer | console).
# --max-semi-space-size: see scripts/start.ts (per-event garbage; the default young generation doubles GC time).
CMD ["sh", "-c", "exec node --max-semi-space-size=32 --import tsx services/${SERVICE}/src/main.ts"]
