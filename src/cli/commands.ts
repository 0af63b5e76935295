import "reflect-metadata";
import { parseArgs } from "node:util";
import { signToken } from "../auth/jwt.js";
import { Role } from "../auth/viewer.js";
import { loadConfig, type Config } from "../config.js";
import { openDatabase, type DatabaseHandle } from "../db/client.js";
import { printSchemaSdl } from "../graphql/schema.js";
import { createLogger } from "../logger.js";
import { issuePartnerKey } from "../modules/partners/partner.service.js";
import { expirePostings } from "../modules/postings/posting.service.js";
import { seedDemo } from "../../seed/demo.js";
import { referenceDataSql } from "../../seed/reference-sql.js";

const USAGE = `Usage: npm run cli -- <command> [options]

  token --role ROLE [--region PREFIX] [--institution UUID] [--employer UUID] [--person UUID] [--sub ID] [--expires 12h]
        Mint a JWT (HS256, AUTH_JWT_SECRET) and print it. ROLE: ADMIN CASEWORKER MENTOR EMPLOYER SEEKER.
  partner-key --name NAME [--scopes postings:read,postings:write]
        Issue an API key for a partner site (created on first use) and print it. Shown once.
  migrate            Apply migrations/ to the configured database.
  seed               Load the demo data, unless it is already loaded.
  expire-postings    Mark OPEN postings past validUntil as EXPIRED.
  schema             Print the GraphQL SDL (npm run schema:emit writes src/graphql/schema.graphql).
  reference-sql      Print the reference-data migration's SQL from seed/data.

Configuration comes from the environment, as for the server (see README).`;

async function withDatabase<T>(config: Config, work: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = await openDatabase(config.database, createLogger("warn"));
  try {
    await handle.migrate();
    return await work(handle);
  } finally {
    await handle.close();
  }
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const processIo: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** The operator commands; stdout carries only the answer (a token, a key, SQL), everything else goes to stderr. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env, io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      role: { type: "string" },
      region: { type: "string" },
      institution: { type: "string" },
      employer: { type: "string" },
      person: { type: "string" },
      sub: { type: "string" },
      expires: { type: "string", default: "12h" },
      name: { type: "string" },
      scopes: { type: "string" },
    },
    allowPositionals: false,
  });
  // Logs go to stderr so that stdout carries only the command's answer (a token, a key, SQL).
  const config = loadConfig({ ...env, LOG_LEVEL: env.LOG_LEVEL ?? "warn" });
  const log = createLogger(config.log.level);

  switch (command) {
    case "token": {
      const role = values.role?.toUpperCase();
      if (!role || !(role in Role) || role === Role.PARTNER) {
        io.err("token: --role must be one of ADMIN, CASEWORKER, MENTOR, EMPLOYER, SEEKER (partners use partner-key)\n");
        return 2;
      }
      const token = await signToken(
        config.auth,
        {
          sub: values.sub ?? `cli-${role.toLowerCase()}`,
          role: role as Exclude<Role, Role.PARTNER>,
          ...(values.region ? { regionCode: values.region } : {}),
          ...(values.institution ? { institutionId: values.institution } : {}),
          ...(values.employer ? { employerId: values.employer } : {}),
          ...(values.person ? { personId: values.person } : {}),
        },
        values.expires,
      );
      io.out(token + "\n");
      return 0;
    }
    case "partner-key": {
      if (!values.name) {
        io.err("partner-key: --name is required\n");
        return 2;
      }
      const issued = await withDatabase(config, (h) =>
        issuePartnerKey(h.db, "cli", { name: values.name!, ...(values.scopes ? { scopes: values.scopes.split(",").map((s) => s.trim()) } : {}) }),
      );
      io.err(`Issued key ${issued.key.id} for partner "${issued.partner.name}" (${issued.key.scopes.join(", ")}). It is shown once:\n`);
      io.out(issued.apiKey + "\n");
      return 0;
    }
    case "migrate":
      await withDatabase(config, async () => undefined);
      io.err("Migrations applied.\n");
      return 0;
    case "seed": {
      const summary = await withDatabase(config, (h) => seedDemo(h.db, log, { jwtSecret: config.auth.jwtSecret }));
      io.err(summary ? `Seeded ${summary.employers} employers and ${summary.postings} postings.\n` : "The demo data is already loaded.\n");
      return 0;
    }
    case "expire-postings": {
      const n = await withDatabase(config, (h) => expirePostings(h.db));
      io.err(`${n} postings expired.\n`);
      return 0;
    }
    case "schema":
      io.out(await printSchemaSdl());
      return 0;
    case "reference-sql":
      io.out(referenceDataSql());
      return 0;
    default:
      io.err(USAGE + "\n");
      return command ? 2 : 0;
  }
}

