#!/usr/bin/env node
// Entry point of the `iovlab` command (npm run -s iovlab -- <args>).
import { main } from './program.js';

const code = await main(process.argv);
// `serve` keeps running until a signal; every other command is finished here.
if (code !== 0) process.exit(code);
