# One image for every Eventix process; the command picks which: node main.ts <gateway|users|events|bookings|payments>.
# The Node version is the one package.json installs for development (devDependencies "node").
# The web box office is built in a stage of its own (it needs the development packages); only its files ship.
FROM node:24.21.0-slim AS web
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run web:build

FROM node:24.21.0-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY . .
# The workflows bundled once here, so the bookings workers start without running webpack.
RUN node scripts/bundle-workflows.ts /app/build/workflow-bundle.js
ENV TEMPORAL_WORKFLOW_BUNDLE=/app/build/workflow-bundle.js
COPY --from=web /build/data/web /app/build/web
ENV WEB_DIR=/app/build/web
# The data folder (the users service's signing keys) belongs to the unprivileged user.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8000 8001 8002 8003 8080
CMD ["node", "main.ts", "gateway"]
