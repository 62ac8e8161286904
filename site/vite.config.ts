import { sveltekit } from "@sveltejs/kit/vite";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [sveltekit()],
  // 127.0.0.1 like npm start's dashboard: sign-in cookies belong to the host, so they carry over.
  server: { host: "127.0.0.1", port: 5173 },
  preview: { host: "127.0.0.1" },
});
