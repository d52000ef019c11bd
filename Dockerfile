# syntax=docker/dockerfile:1
# The Revenant image: the CLI, the HTTP API (`revenant serve`) and the reports, built from this
# tree in two stages. The build stage installs every dependency with the toolchain native modules
# need (better-sqlite3 is compiled here, for the image's own Node and libc, never copied from a
# host), runs the project's build (`npm run build`: TypeScript and everything else the build
# produces, such as the console's assets), then drops the development dependencies. The runtime
# stage holds only what runs: production node_modules, dist/, bin/ and package.json, owned by
# root and run as the unprivileged `node` user (uid 1000). docker-compose.yml builds its
# services from this file.
#
#   docker build -t revenant .
#   docker run --rm -v "$PWD/.revenant:/var/lib/revenant" revenant residual --all

ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /build
# node-gyp compiles against the headers this Node image ships (no header download).
ENV npm_config_nodedir=/usr/local
COPY package.json package-lock.json ./
# Dependencies first (a cached layer while package-lock.json is unchanged). Lifecycle scripts
# are skipped here because `prepare` builds the sources, which are not copied yet; the native
# module is then built from source explicitly, so a missing toolchain fails the image build.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 --build-from-source
COPY tsconfig.json ./
COPY scripts ./scripts
COPY bin ./bin
COPY src ./src
COPY ingest ./ingest
COPY queries ./queries
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && node -e "require('better-sqlite3')(':memory:').prepare('select 1').get()" \
 && node bin/revenant.js --version

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    REVENANT_STORE=/var/lib/revenant
WORKDIR /app
COPY --from=build /build/package.json ./package.json
COPY --from=build /build/node_modules ./node_modules
COPY --from=build /build/dist ./dist
COPY --from=build /build/bin ./bin
RUN mkdir -p /var/lib/revenant && chown node:node /var/lib/revenant \
 && ln -s /app/bin/revenant.js /usr/local/bin/revenant
USER node
VOLUME ["/var/lib/revenant"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/revenant.js"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
