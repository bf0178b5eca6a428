import { ConfigError, loadDefinition } from "@workers/config";

try {
  const definition = await loadDefinition(new URL("./workers.yaml", import.meta.url));
  console.log(Object.keys(definition.workers)); // [ 'download', 'resize', 'heartbeat' ]
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  for (const issue of error.issues) console.error(issue.path.join("."), issue.code, issue.message);
  process.exitCode = 1;
}
