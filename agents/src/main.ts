/** `skiff-agent`: parse the command line, run the agent until SIGTERM/SIGINT. */
import { Agent } from "./agent.js";
import { parseConfig, USAGE, UsageError } from "./config.js";
import { removeNetwork } from "./network/network-manager.js";

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(USAGE);
    return;
  }
  if (argv.includes("--cleanup-network")) {
    await removeNetwork();
    return;
  }
  let config;
  try {
    config = parseConfig(argv, process.env);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      process.stderr.write(`skiff-agent: ${(err as Error).message}\n\n${USAGE}`);
      process.exit(2);
    }
    throw err;
  }
  const agent = new Agent(config);
  const shutdown = async (signal: string) => {
    agent.log.info("stopping", { signal });
    await agent.stop();
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
  await agent.start();
}

main().catch((err: unknown) => {
  process.stderr.write(`skiff-agent: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
