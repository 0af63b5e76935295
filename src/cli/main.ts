import { ConfigError } from "../config.js";
import { loggableMessage } from "../logger.js";
import { runCli } from "./commands.js";

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(error.message + "\n");
    // A query error's own message lists its parameters (personal data): never printed.
    else process.stderr.write(`${loggableMessage(error)}\n`);
    process.exit(1);
  },
);
