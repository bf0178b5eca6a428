import { impls } from "./impls.js";

const seq = process.argv.slice(2);
const cpu = async (f: (n: number) => Promise<void>, n: number) => {
  const c0 = process.cpuUsage();
  await f(n);
  const c = process.cpuUsage(c0);
  return n / ((c.user + c.system) / 1e6) / 1e6;
};
const out: string[] = [];
for (const s of seq) {
  const [name, w, nS, reps] = s.split(":");
  const impl = impls.find((i) => i.name.startsWith(name!))!;
  const rs: number[] = [];
  for (let r = 0; r < Number(reps ?? 1); r++) rs.push(await cpu(impl.runs[w as "W1"]!, Number(nS)));
  if (reps && Number(reps) > 1)
    out.push(`${name}:${w} ${rs.sort((a, b) => a - b)[rs.length >> 1]!.toFixed(2)}`);
}
console.log(out.join("  "));
