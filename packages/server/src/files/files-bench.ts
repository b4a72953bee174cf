/**
 * `npm run bench:files`: what uploads cost, against baselines measured in the
 * same run on the same machine, into bench/results/files.md.
 *
 * - A 50,000 × 50,000 PNG bomb refused, against a 64 × 48 PNG accepted (both
 *   sniffed and measured from their headers); the server's RSS around it.
 * - A 12-megapixel photo uploaded, measured, thumbnailed and its EXIF
 *   stripped, against sharp alone doing the same in this process: the header
 *   read once, the thumbnail and the stripped original each from the file with
 *   the server's options and sharp settings (image.ts, strip-metadata.ts).
 * - A 200 MB upload, against the same bytes written to a local file; the
 *   server's RSS growth against the upload's size.
 *
 * Each is run ROUNDS times; the median is reported, with every round's ratio.
 */
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { startServerProcess } from '../testing/server-process.js';
import { guest } from '../testing/ws-client.js';
import { uploadRaw } from '../testing/files.js';
import { measured, photo12mp, pngBomb, streamedBytes } from '../testing/file-samples.js';

const ROUNDS = 5;
// As the server sets them (image.ts), so that the baseline's sharp works as the server's does.
sharp.cache(false);
sharp.concurrency(1);
const BIG = 200 * 1024 * 1024;
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'bench', 'results', 'files.md');

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fixed = (value: number, digits = 0): string => value.toFixed(digits);
const ratios = (parley: number[], base: number[]): string => parley.map((p, i) => fixed(p / base[i]!, 2)).join(', ');

interface Row {
  what: string;
  parley: string;
  baseline: string;
  ratio: string;
  rounds: string;
  memory: string;
}

async function timed(body: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await body();
  return performance.now() - started;
}

async function main(): Promise<void> {
  const server = await startServerProcess({ env: { MAX_FILE_BYTES: String(256 * 1024 * 1024), MAX_UPLOAD_BYTES_PER_DAY: '0', RATE_LIMITS: 'off' } });
  const scratch = mkdtempSync(join(tmpdir(), 'parley-files-bench-'));
  const rows: Row[] = [];
  try {
    const { token } = await guest(server.url, 'Bench');
    const upload = (name: string, body: Parameters<typeof uploadRaw>[4], headers?: Record<string, string>) => uploadRaw(server.url, token, 'lobby', name, body, headers);
    // Warm-up: the first image through sharp loads its codecs.
    const small = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3366cc' } }).png().toBuffer();
    for (let i = 0; i < 3; i++) await upload('warm.png', small);

    const bomb = await pngBomb(50_000, 50_000);
    const bombMs: number[] = [];
    const smallMs: number[] = [];
    let bombPeak = 0;
    let bombBefore = Infinity;
    for (let round = 0; round < ROUNDS; round++) {
      smallMs.push(await timed(() => upload(`small-${round}.png`, small)));
      const run = await measured(server, () => upload('bomb.png', bomb));
      if (run.result.error?.code !== 'image_too_large') throw new Error(`the bomb was not refused: ${run.result.status}`);
      bombMs.push(run.ms);
      bombPeak = Math.max(bombPeak, run.peak);
      bombBefore = Math.min(bombBefore, run.before);
    }
    rows.push({
      what: `PNG bomb refused (${fixed(bomb.length / 1_048_576, 1)} MB file, 2.5 billion pixels)`,
      parley: `${fixed(median(bombMs))} ms`,
      baseline: `${fixed(median(smallMs))} ms (a 64 × 48 PNG accepted)`,
      ratio: fixed(median(bombMs) / median(smallMs), 2),
      rounds: ratios(bombMs, smallMs),
      memory: `RSS ${fixed(bombBefore)} → at most ${fixed(bombPeak)} MB`,
    });

    const photo = await photo12mp();
    const photoFile = join(scratch, 'photo.jpg');
    writeFileSync(photoFile, photo);
    const photoMs: number[] = [];
    const sharpMs: number[] = [];
    let photoPeak = 0;
    let photoBefore = Infinity;
    for (let round = 0; round < ROUNDS; round++) {
      sharpMs.push(
        await timed(async () => {
          await sharp(photoFile, { limitInputPixels: false, pages: -1 }).metadata();
          await sharp(photoFile, { sequentialRead: true }).rotate().resize(480, 480, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 80 }).toBuffer();
          // The photo carries EXIF: its original is written again without it (strip-metadata.ts).
          await sharp(photoFile, { sequentialRead: true }).rotate().keepIccProfile().jpeg({ quality: 92, chromaSubsampling: '4:2:0', optimiseCoding: false }).toFile(join(scratch, 'photo-stripped.jpg'));
        }),
      );
      const run = await measured(server, () => upload(`photo-${round}.jpg`, Buffer.concat([photo, Buffer.from([round])])));
      if (run.result.status !== 201) throw new Error(`the photo was refused: ${run.result.status}`);
      photoMs.push(run.ms);
      photoPeak = Math.max(photoPeak, run.peak);
      photoBefore = Math.min(photoBefore, run.before);
    }
    rows.push({
      what: `12 MP photo (${fixed(photo.length / 1_048_576, 1)} MB JPEG) uploaded, measured, thumbnailed, its EXIF stripped`,
      parley: `${fixed(median(photoMs))} ms`,
      baseline: `${fixed(median(sharpMs))} ms (sharp alone: header; turn, resize, WebP; turn, JPEG to a file)`,
      ratio: fixed(median(photoMs) / median(sharpMs), 2),
      rounds: ratios(photoMs, sharpMs),
      memory: `RSS ${fixed(photoBefore)} → at most ${fixed(photoPeak)} MB`,
    });

    const bigMs: number[] = [];
    const diskMs: number[] = [];
    const growth: number[] = [];
    // Its growth is over what the server holds already (the photos' leftovers among it), so both are shown.
    let bigBefore = Infinity;
    let bigPeak = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const file = join(scratch, 'big.bin');
      diskMs.push(await timed(() => pipeline(Readable.from(streamedBytes(BIG)), createWriteStream(file))));
      rmSync(file);
      const run = await measured(server, () => upload(`big-${round}.bin`, streamedBytes(BIG), { 'content-length': String(BIG) }));
      if (run.result.status !== 201) throw new Error(`the 200 MB upload was refused: ${run.result.status}`);
      bigMs.push(run.ms);
      growth.push(run.peak - run.before);
      bigBefore = Math.min(bigBefore, run.before);
      bigPeak = Math.max(bigPeak, run.peak);
    }
    rows.push({
      what: '200 MB upload, streamed',
      parley: `${fixed(median(bigMs))} ms`,
      baseline: `${fixed(median(diskMs))} ms (the same bytes to a local file)`,
      ratio: fixed(median(bigMs) / median(diskMs), 2),
      rounds: ratios(bigMs, diskMs),
      memory: `RSS ${fixed(bigBefore)} → at most ${fixed(bigPeak)} MB; growth ${fixed(median(growth), 1)} MB (median), ${fixed(Math.max(...growth), 1)} MB at most: ${fixed((Math.max(...growth) / 200) * 100, 1)} % of the upload`,
    });
  } finally {
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }

  const lines = [
    '# Files: what uploads cost',
    '',
    `\`npm run bench:files\`, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, one server process on SQLite with files on disk. Median of ${ROUNDS} rounds; the ratio is Parley over the baseline measured in the same round.`,
    '',
    '| What | Parley | Baseline | Ratio | Each round | Server memory |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.what} | ${row.parley} | ${row.baseline} | ${row.ratio} | ${row.rounds} | ${row.memory} |`),
    '',
  ];
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, lines.join('\n'));
  console.log(lines.join('\n'));
}

await main();
