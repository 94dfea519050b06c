// The box office's build (vite.web.config.ts): web/ is the root, the bundle goes to data/web (the gateway serves it at /). In development
// (`npm run web:dev`) Vite serves the app with hot reload and passes /api and /docs to the running gateway.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const gateway = process.env.EVENTIX_GATEWAY_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  plugins: [react()],
  build: { outDir: fileURLToPath(new URL('./data/web', import.meta.url)), emptyOutDir: true, sourcemap: true },
  server: { port: 5173, proxy: { '/api': gateway, '/docs': gateway } },
});
