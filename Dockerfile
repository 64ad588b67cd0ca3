# Herald on the current Node.js LTS, built in two stages: `build` installs everything and compiles the
# TypeScript (src/, with the generated Prisma client) to JavaScript in dist/; `runtime` holds the
# production dependencies and dist/ only, and runs as the unprivileged `node` user.
# The same image runs as several replicas against one PostgreSQL (DATABASE_URL); without DATABASE_URL
# it runs its embedded PostgreSQL (a child process, as that same user) with its data in the /data volume.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts tsconfig.json tsconfig.build.json ./
COPY prisma ./prisma
# The postinstall runs `prisma generate` offline (prisma/generate.mjs): only the npm registry is reached.
RUN npm ci --no-audit --no-fund
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production HERALD_DATA_DIR=/data HTTP_HOST=0.0.0.0 HTTP_PORT=3000
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
# Production dependencies only. Their install scripts still run: `prisma` (a production dependency)
# regenerates the client, which dist/ already holds compiled, so its TypeScript output is removed; and
# `@embedded-postgres/linux-*` links the PostgreSQL binaries' libraries. Migrations (prisma/migrations)
# are applied by Herald at every start.
RUN npm ci --omit=dev --no-audit --no-fund && rm -rf src && npm cache clean --force
COPY --from=build /app/dist ./dist
# PostgreSQL refuses to run as root: the image's user runs Herald and its embedded server, and owns
# the data folder (a new named volume takes this ownership; a bind mount must be writable by uid 1000).
RUN mkdir -p /data && chown node:node /data
# Chart labels need a font and the slim image has none (Herald's /chart refuses to draw without one).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
USER node
VOLUME /data
EXPOSE 3000
# /healthz answers 200 when Herald and its database are up (node is in the image; curl is not).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HTTP_PORT || 3000) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Server mode: HTTP edge, delivery worker and scheduler (plus Slack when its variables are set) until
# SIGTERM, which lets the batches in flight and a running tick finish within SHUTDOWN_TIMEOUT_SECONDS.
# Node itself is PID 1 (no npm in between), so the signal reaches Herald. The heap limit (as in
# package.json's scripts) makes V8 collect before its old generation grows to ~4x what is live:
# sending and exporting peak ~80 MB lower, at ~10x the live heap they use (README, Benchmarks).
CMD ["node", "--max-old-space-size=512", "--enable-source-maps", "dist/main.js", "serve"]
