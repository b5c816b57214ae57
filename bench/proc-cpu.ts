/**
 * CPU time from Linux's /proc: a process's (/proc/PID/stat) or one thread's (/proc/self/task/TID/stat). One parser
 * for the benchmarks that read them.
 */
import { readFileSync } from 'node:fs';

/**
 * utime + stime of a stat(5) file, in milliseconds (clock ticks, 100 a second on Linux: 10 ms steps); undefined
 * where the file cannot be read (not Linux, or the process is gone).
 */
export function statCpuMs(statFile: string): number | undefined {
  try {
    const stat = readFileSync(statFile, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
