import { ConfigError } from "../config.js";
import { runCli } from "./commands.js";

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(error.message + "\n");
    else process.stderr.write(`${(error as Error).message ?? error}\n`);
    process.exit(1);
  },
);
