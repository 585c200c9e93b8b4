# syntax=docker/dockerfile:1
#
# Targets:
#   migrate  - applies prisma/migrations (and seeds the demo community when SEED_DEMO is set), then exits
#   runtime  - the API (default command) and the worker (`node dist/apps/worker/main.js`)
# `docker build .` without --target builds runtime, the last stage.

# Keep the npm bundled with Node 20 (10.x): package-lock.json records only the Linux builds of
# some optional native packages, which npm 10's `npm ci` accepts and npm 11's rejects.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app

# Prisma's postinstall picks the engine build it downloads from the system's libssl version; the
# slim image has no OpenSSL, so it would guess wrong (and warn). Nothing here runs that engine.
RUN apt-get update \
  && apt-get install -y --no-install-recommends openssl \
  && rm -rf /var/lib/apt/lists/*

ENV CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1

# Only what `npm ci` needs, so the dependency layer survives source edits. The postinstall script
# generates the Prisma client from the schema, hence prisma/ and prisma.config.ts.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY tools/scripts ./tools/scripts
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund

# ---------------------------------------------------------------------------------------------
FROM deps AS build

ENV NX_DAEMON=false \
    NX_NO_CLOUD=true \
    NX_TUI=false

# .dockerignore keeps the host's node_modules and generated client out, so this cannot clobber
# what the deps stage installed.
COPY . .
RUN npx nx run-many -t build -p api worker

# ---------------------------------------------------------------------------------------------
# Keeps the full dev toolchain: the migration runner and the seed are TypeScript run by tsx.
FROM build AS migrate

USER node
# `npm run db:migrate`: the project's own runner, as `npm start` and the tests apply migrations
# (no Prisma schema engine; it refuses a failed, edited or unknown history). The demo community's
# member identities are public, so it is seeded only when SEED_DEMO is set (docker-compose.yml),
# never on a real instance by default. `npm run db:seed`, not tsx alone: the seed needs the
# workspace path aliases of tsconfig.base.json, which the script points tsx at.
CMD ["sh", "-c", "npm run db:migrate && if [ -n \"$SEED_DEMO\" ]; then npm run db:seed; fi"]

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000

# The webpack bundles keep npm packages external, so production dependencies are installed here.
# The Prisma client itself is generated TypeScript and is already inside the bundles; they only
# need @prisma/client's runtime and @prisma/adapter-pg, both production dependencies.
# --ignore-scripts: the root postinstall would generate the client again (and needs the prisma CLI).
# --omit=optional: the prisma CLI, TypeScript and Prisma Studio are optional peers of
# @prisma/client, which --omit=dev alone still installs (about 250 MB); the only other optional
# package dropped is msgpackr's native extractor, for which msgpackr has a JavaScript fallback.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund

COPY --from=build /app/dist/apps ./dist/apps

# Files stay owned by root: the process can read its code but not change it.
USER node

EXPOSE 3000
# Both apps enable Nest's shutdown hooks on SIGTERM: the API closes its server and the worker lets
# its active job finish. They register the handler themselves, so they stop correctly even as
# PID 1; compose still runs them under `init: true` to reap any child processes.
STOPSIGNAL SIGTERM

# No curl in the slim image; Node 20 has fetch. The worker serves no HTTP and turns this off in
# docker-compose.yml.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node", "dist/apps/api/main.js"]
