#!/usr/bin/env node
// The `skiff-agent` command: builds the bundle when it is missing or older than its sources
// (agents/build.mjs), then runs it.
import { pathToFileURL } from "node:url";
import { BUNDLE, buildAgent, bundleIsStale } from "../build.mjs";

if (bundleIsStale()) await buildAgent();
await import(pathToFileURL(BUNDLE).href);
