// Totals vitest's JSON reports (one per Node line) into the closing line CI reads.
// Exits non-zero when a report is missing, a test failed, or a Node line ran no test.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const firstLine = (text) =>
  String(text ?? "")
    .split("\n")[0]
    .slice(0, 300);

const [dir, ...labels] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
let ok = true;
for (const label of labels) {
  const file = join(dir, `${label}.json`);
  if (!existsSync(file)) {
    console.log(`${label}: no report (the test run crashed)`);
    ok = false;
    continue;
  }
  const r = JSON.parse(readFileSync(file, "utf8"));
  const p = r.numPassedTests;
  // A suite that fails to load has no failed test but is still a failure.
  const f =
    r.numFailedTests +
    (r.numFailedTestSuites > 0 && r.numFailedTests === 0 ? r.numFailedTestSuites : 0);
  const s = r.numPendingTests + r.numTodoTests;
  console.log(`${label}: ${p} passed, ${f} failed, ${s} skipped`);
  // What failed, named, so the end of the log says which test it was.
  for (const suite of r.testResults ?? []) {
    const where = suite.name.replace(`${process.cwd()}/`, "");
    if (suite.status === "failed" && (suite.assertionResults ?? []).length === 0) {
      console.log(`  FAILED ${where}: ${firstLine(suite.message)}`);
    }
    for (const t of suite.assertionResults ?? []) {
      if (t.status === "failed") {
        console.log(`  FAILED ${where} > ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`);
      }
    }
  }
  if (f > 0 || p === 0 || !r.success) ok = false;
  passed += p;
  failed += f;
  skipped += s;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(ok ? 0 : 1);
