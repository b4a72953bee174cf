/**
 * Where a server's time went, from a V8 `.cpuprofile` (node --cpu-prof):
 * self time per function and per package, counted only over the samples
 * taken inside the measured windows (setup and teardown left out). Sample
 * timestamps are CLOCK_MONOTONIC microseconds, the clock the generator
 * records its windows in.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  name: string;
  selfMs: number;
  percent: number;
}

export interface ProfileSummary {
  file: string;
  sampledMs: number;
  functions: ProfileEntry[];
  packages: ProfileEntry[];
}

/** `node_modules/<pkg>`, `node:<module>`, `parley/<package>`, or a V8 pseudo-frame like (garbage collector). */
function packageOf(frame: CallFrame): string {
  const url = frame.url;
  if (url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (url.startsWith('node:')) return url.split('/')[0]!;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const pkg = /\/packages\/([^/]+)\//.exec(url)?.[1];
  return pkg ? `parley/${pkg}` : url;
}

function shortLocation(url: string): string {
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) return url.slice(modules + '/node_modules/'.length);
  const pkg = url.indexOf('/packages/');
  if (pkg !== -1) return url.slice(pkg + '/packages/'.length);
  return url.replace(/^file:\/\//, '');
}

function top(totals: Map<string, number>, sampledMicros: number, count: number): ProfileEntry[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, micros]) => ({ name, selfMs: Math.round(micros / 100) / 10, percent: Math.round((micros / sampledMicros) * 1000) / 10 }));
}

/** Self time inside `windows` ([start, end] monotonic µs); the whole profile when `windows` is empty. */
export function summarizeProfile(file: string, windows: Array<[number, number]>, count = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let sampled = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i]!;
    // A sample stands for the time until the next one.
    const micros = profile.timeDeltas[i + 1] ?? 0;
    if (windows.length > 0 && !windows.some(([start, end]) => t >= start && t <= end)) continue;
    const frame = frames.get(profile.samples[i]!);
    if (!frame || frame.functionName === '(idle)') continue;
    const name = frame.url === '' ? frame.functionName : `${frame.functionName || '(anonymous)'} ${shortLocation(frame.url)}:${frame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
    const pkg = packageOf(frame);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
    sampled += micros;
  }
  return {
    file,
    sampledMs: Math.round(sampled / 1000),
    functions: top(byFunction, sampled, count),
    packages: top(byPackage, sampled, 15),
  };
}
