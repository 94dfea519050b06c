# One image for every Eventix process; the command picks which: node main.ts <gateway|users|events|bookings|payments>.
# The Node version is the one package.json installs for development (devDependencies "node").
FROM node:24.21.0-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY . .
# The workflows bundled once here, so the bookings workers start without running webpack.
RUN node scripts/bundle-workflows.ts /app/build/workflow-bundle.js
ENV TEMPORAL_WORKFLOW_BUNDLE=/app/build/workflow-bundle.js
# The data folder (the users service's signing keys) belongs to the unprivileged user.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8000 8001 8002 8003 8080
CMD ["node", "main.ts", "gateway"]
