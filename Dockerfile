# Herald on the current Node.js LTS. The same image runs as several replicas against one PostgreSQL
# (DATABASE_URL); without DATABASE_URL it uses the embedded database in /data.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HERALD_DATA_DIR=/data
COPY package.json package-lock.json prisma.config.ts tsconfig.json ./
COPY prisma ./prisma
# postinstall runs `prisma generate` offline (prisma/generate.mjs): nothing but the npm registry is reached.
RUN npm ci --omit=dev && npm cache clean --force
COPY src ./src
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
CMD ["node", "--import", "tsx", "src/main.ts"]
