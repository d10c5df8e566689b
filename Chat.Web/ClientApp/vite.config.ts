import { defineConfig, type ProxyOptions } from 'vite';
import react from '@vitejs/plugin-react';

// The build lands in Chat.Web/wwwroot, which Chat.Web serves. `npm run dev` proxies the
// API and the hub to a running cluster's web front (./eng/start), so the origin stays one.
const webFront = process.env.CHAT_WEB_URL ?? 'http://localhost:5180';

// The API accepts writes and the hub only from the web front's origin: the dev server's own
// origin (another port) is presented as the front's.
const asWebFront: ProxyOptions = {
  target: webFront,
  configure: (proxy) => {
    proxy.on('proxyReq', (request) => request.setHeader('origin', webFront));
    proxy.on('proxyReqWs', (request) => request.setHeader('origin', webFront));
  },
};

export default defineConfig({
  plugins: [react()],
  build: { outDir: '../wwwroot', emptyOutDir: true },
  server: {
    proxy: {
      '/api': asWebFront,
      '/hubs': { ...asWebFront, ws: true },
    },
  },
});
