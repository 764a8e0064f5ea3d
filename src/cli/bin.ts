/**
 * The process entry point (bin/patroni-chaos.js imports it): signal
 * handling, then the CLI. Kept apart from main.ts so that tests can build
 * the program and inspect its commands without running it.
 */
import { main } from './main.js';
import { exitWhenStopped, installShutdownHandlers } from './shutdown.js';

installShutdownHandlers();
await exitWhenStopped(await main(process.argv.slice(2)));
