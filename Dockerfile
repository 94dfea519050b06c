# One image for every Eventix process; the command picks which: node main.ts <gateway|users|events|bookings|payments>.
FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY . .
# The data folder (the users service's generated signing keys) belongs to the unprivileged user.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8000 8001 8002 8003 8080
CMD ["node", "main.ts", "gateway"]
