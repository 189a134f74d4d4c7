import { defineConfig } from "drizzle-kit";

export default defineConfig({
  out: "./migrations/controllers",
  schema: "./src/controllers/host/schema.ts",
  dialect: "sqlite",
  driver: "durable-sqlite",
});
