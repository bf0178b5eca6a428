// Writes schema.json (the published JSON Schema) from the zod schema. Run by `build`.
import { writeFileSync } from "node:fs";
import { buildJsonSchema } from "../src/internal/json-schema.js";

const target = new URL("../schema.json", import.meta.url);
writeFileSync(target, `${JSON.stringify(buildJsonSchema(), null, 2)}\n`);
