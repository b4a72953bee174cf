import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The Parley server serves dist/ at / and the API and WebSocket on the same
// origin; `npm run dev` proxies them to a server on PORT (default 8000).
const serverPort = process.env.PARLEY_PORT ?? '8000';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022' },
  server: {
    proxy: {
      '/api': `http://127.0.0.1:${serverPort}`,
      '/ws': { target: `ws://127.0.0.1:${serverPort}`, ws: true },
    },
  },
});
