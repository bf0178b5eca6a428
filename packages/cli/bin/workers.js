#!/usr/bin/env node
// The `workers` command (built to dist/ by `tsc`). This file is committed, so package managers
// can link the bin in a workspace before the package is built.
import "../dist/bin.js";
