// Best-effort source positions for issues of a JSON or YAML file: the key an issue's path ends
// at, or its nearest existing parent. Only used to annotate issues; never fails.
import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import type { ConfigIssue } from "../types.js";

export function locateIssues(text: string, issues: ConfigIssue[]): ConfigIssue[] {
  try {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
    const position = (path: readonly (string | number)[]): number | undefined => {
      for (let depth = path.length; depth > 0; depth--) {
        const parent = doc.getIn(path.slice(0, depth - 1), true);
        if (!isMap(parent)) continue;
        const key = String(path[depth - 1]);
        const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
        if (pair !== undefined && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
      }
      return undefined;
    };
    return issues.map((issue) => {
      const offset = position(issue.path);
      if (offset === undefined) return issue;
      const { line, col } = lineCounter.linePos(offset);
      return { ...issue, line, column: col };
    });
  } catch {
    return issues;
  }
}
