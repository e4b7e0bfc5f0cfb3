// Reads a zip (a VSIX) from its central directory: the entries with their sizes, and any
// entry's bytes. Enough for the packages vsce writes (no zip64: fewer than 65,535 entries
// and 4 GB); nothing to install for it.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

/** @returns {{ name: string, size: number, compressedSize: number, method: number, offset: number }[]} */
function zipEntries(buf) {
  let end = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === END_OF_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip file (no end of central directory)');
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(at) !== DIRECTORY_ENTRY) throw new Error(`damaged zip: central directory entry ${i}`);
    const nameLength = buf.readUInt16LE(at + 28);
    entries.push({
      name: buf.toString('utf8', at + 46, at + 46 + nameLength),
      method: buf.readUInt16LE(at + 10),
      compressedSize: buf.readUInt32LE(at + 20),
      size: buf.readUInt32LE(at + 24),
      offset: buf.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return entries;
}

/** The bytes of one entry (stored or deflated). */
function zipEntryData(buf, entry) {
  if (buf.readUInt32LE(entry.offset) !== LOCAL_HEADER) throw new Error(`damaged zip: local header of ${entry.name}`);
  const start = entry.offset + 30 + buf.readUInt16LE(entry.offset + 26) + buf.readUInt16LE(entry.offset + 28);
  const raw = buf.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return raw;
  if (entry.method === 8) return zlib.inflateRawSync(raw);
  throw new Error(`${entry.name}: unsupported zip compression method ${entry.method}`);
}

/** Writes every file of the zip under `dir`. */
function unzipTo(file, dir) {
  const buf = fs.readFileSync(file);
  const root = path.resolve(dir);
  for (const entry of zipEntries(buf)) {
    if (entry.name.endsWith('/')) continue;
    const target = path.resolve(root, entry.name);
    if (!target.startsWith(root + path.sep)) throw new Error(`zip entry outside the folder: ${entry.name}`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, zipEntryData(buf, entry));
  }
}

module.exports = { zipEntries, zipEntryData, unzipTo };
