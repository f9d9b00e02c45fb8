# syntax=docker/dockerfile:1
# Multi-stage: build the TypeScript once, ship production dependencies and dist/ only.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
# The keys CLI (package.json bin): `docker compose exec gateway-1 igw-keys create --tenant …`.
RUN mkdir -p /data && chown node:node /data \
  && chmod +x dist/cli/keys.js && ln -s /app/dist/cli/keys.js /usr/local/bin/igw-keys
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# node itself is PID 1 (no npm wrapper), so SIGTERM reaches the gateway's graceful shutdown.
CMD ["node", "dist/server.js"]
