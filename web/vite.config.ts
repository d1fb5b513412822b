// The dashboard's build (web/dist, served by Fastify under /dashboard/) and its dev server, which
// proxies the API to the Parley server started by `npm run dev` (PARLEY_API, default :3000).
import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env.PARLEY_API ?? 'http://127.0.0.1:3000';
const proxied = ['/api', '/health', '/app', '/login', '/register', '/leads', '/tasks', '/activities', '/history'];

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/dashboard/',
  plugins: [react(), tailwindcss()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 600,
  },
  server: {
    port: Number(process.env.WEB_PORT ?? 5173),
    strictPort: true,
    proxy: Object.fromEntries(proxied.map((p) => [p, { target: api, changeOrigin: false }])),
  },
  optimizeDeps: {
    include: ['react', 'react-dom/client', '@tanstack/react-router', '@tanstack/react-query', 'radix-ui', 'recharts'],
  },
});
