import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The desk's file store for attached documents: `<data folder>/files/<sha256>`, content-addressed, so a file is
 * written once however often it is attached, and a file read back is checked against its name. Writes go to a
 * temporary file, are fsynced and renamed into place (then the folder is fsynced): a crash leaves either the
 * whole file or none, never a torn one under the right name.
 */
export class FileStore {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'files');
  }

  static sha256(bytes: Uint8Array): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  #file(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a SHA-256');
    return path.join(this.dir, sha256);
  }

  has(sha256: string): boolean {
    return fs.existsSync(this.#file(sha256));
  }

  /** Stores the bytes; returns their SHA-256 (the file's name). */
  put(bytes: Uint8Array): string {
    const sha256 = FileStore.sha256(bytes);
    const target = this.#file(sha256);
    if (fs.existsSync(target)) return sha256;
    fs.mkdirSync(this.dir, { recursive: true });
    const tmp = path.join(this.dir, `.${sha256}.${randomBytes(4).toString('hex')}.tmp`);
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
    try {
      const dirFd = fs.openSync(this.dir, 'r');
      fs.fsyncSync(dirFd);
      fs.closeSync(dirFd);
    } catch {
      // Some platforms (Windows) cannot fsync a folder; the rename is still atomic there.
    }
    return sha256;
  }

  /** The file's bytes, or null when this desk does not hold it (or holds a damaged copy, which is removed). */
  get(sha256: string): Buffer | null {
    const file = this.#file(sha256);
    if (!fs.existsSync(file)) return null;
    const bytes = fs.readFileSync(file);
    if (FileStore.sha256(bytes) !== sha256) {
      fs.rmSync(file, { force: true });
      return null;
    }
    return bytes;
  }
}

/** Does the file start as its type says it should? (A renamed .exe is not a PDF.) */
export function looksLike(mimeType: string, bytes: Uint8Array): boolean {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  switch (mimeType) {
    case 'application/pdf':
      return starts(0x25, 0x50, 0x44, 0x46, 0x2d); // %PDF-
    case 'image/png':
      return starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
    case 'image/jpeg':
      return starts(0xff, 0xd8, 0xff);
    default:
      return false;
  }
}
