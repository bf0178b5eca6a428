// The bench's one table: rows grouped by workload, each group's first row the baseline its
// ratio is taken against (throughput over the baseline's throughput: above 1.00x is faster).

export interface Row {
  readonly group: string;
  readonly contender: string;
  readonly ms: number;
  readonly rate: number;
  notes: string[];
}

export class Table {
  private readonly rows: Row[] = [];

  constructor(private readonly n: number) {}

  /** Records `n` messages done in `ms`. */
  add(group: string, contender: string, ms: number, notes?: string): Row {
    const row: Row = {
      group,
      contender,
      ms,
      rate: (this.n / ms) * 1000,
      notes: notes === undefined || notes === "" ? [] : [notes],
    };
    this.rows.push(row);
    return row;
  }

  /** Notes on `row` its throughput over `other`'s (`label` names `other`); none without it. */
  relate(row: Row | undefined, other: Row | undefined, label: string): void {
    if (row !== undefined && other !== undefined) {
      row.notes.push(`${ratio(row.rate / other.rate)} ${label}`);
    }
  }

  print(title: string): void {
    const header = ["workload", "contender", "time", "throughput", "vs first in group", "notes"];
    const first = new Map<string, Row>();
    console.log(`${title}\n`);
    console.log(`| ${header.join(" | ")} |`);
    console.log(`| ${header.map((_, i) => (i >= 2 && i <= 4 ? "---:" : "---")).join(" | ")} |`);
    for (const r of this.rows) {
      if (!first.has(r.group)) first.set(r.group, r);
      const base = first.get(r.group)!;
      const cells = [
        r.group,
        r.contender,
        `${r.ms.toFixed(0)} ms`,
        r.rate >= 1000 ? `${(r.rate / 1000).toFixed(1)}k/s` : `${r.rate.toFixed(0)}/s`,
        ratio(r.rate / base.rate),
        r.notes.join("; "),
      ];
      console.log(`| ${cells.join(" | ")} |`);
    }
  }
}

function ratio(x: number): string {
  return `${x.toFixed(2)}x`;
}
