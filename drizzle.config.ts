import { defineConfig } from "drizzle-kit";

// Migrations are generated from the feature modules' tables; `npm run db:generate` after a table change.
export default defineConfig({
  dialect: "postgresql",
  schema: ["./src/modules/*/*.table.ts", "./src/search/*.table.ts", "./src/http/*.table.ts"],
  out: "./migrations",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres" },
});
