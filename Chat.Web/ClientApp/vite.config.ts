import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The build lands in Chat.Web/wwwroot, which Chat.Web serves. `npm run dev` proxies the
// API and the hub to a running cluster's web front (./eng/start), so the origin stays one.
const webFront = process.env.CHAT_WEB_URL ?? 'http://localhost:5180';

export default defineConfig({
  plugins: [react()],
  build: { outDir: '../wwwroot', emptyOutDir: true },
  server: {
    proxy: {
      '/api': webFront,
      '/hubs': { target: webFront, ws: true },
    },
  },
});
