/** Process figures from /proc for the benches: a process tree, its CPU time and its resident memory. */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
/** A process and its descendants (uvicorn's workers), from /proc. */
export function tree(pid: number): number[] {
	const byParent = new Map<number, number[]>();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			byParent.set(ppid, [...(byParent.get(ppid) ?? []), Number(entry)]);
		} catch {
			// gone
		}
	}
	const out = [pid];
	for (let i = 0; i < out.length; i++) out.push(...(byParent.get(out[i] as number) ?? []));
	return out;
}
/** CPU time so far (utime + stime), ms, summed over the pids. */
export function cpuMs(pids: number[]): number {
	let total = 0;
	for (const pid of pids) {
		try {
			const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			total += ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
		} catch {
			// gone
		}
	}
	return total;
}
/** Resident memory of a process tree, MB (VmRSS summed: shared pages count once per process). */
export function rssMb(pids: number[]): number {
	let kb = 0;
	for (const pid of pids) {
		try {
			kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
		} catch {
			// gone
		}
	}
	return kb / 1024;
}
