/**
 * Uploaded files of any workflow (report, notice and work-plan attachments, patrol photos, complaint
 * attachments): each checked by `inspectCaseFile` (strict base64, size, type by magic bytes), then — only
 * once every check of the command has passed — stored content-addressed in the evidence blob folder.
 */
import { BlobStore } from '../../kernel/blob-store';
import type { StoredFile } from '../../entities';
import { type InspectedCaseFile, inspectCaseFile } from '../cases/case-files';
import { UserInputError } from '../errors';

/** An uploaded file as the API takes it. */
export interface UploadInput {
  fileName: string;
  contentBase64: string;
}

/** Where uploaded files go and how large each may be (config.evidenceDir, config.caseFileMaxBytes). */
export interface UploadOptions {
  evidenceDir: string;
  maxBytes: number;
}

/** Checks each file; a refused one is named by its place in the list (`attachments[2]: …`). */
export function inspectUploads(files: readonly UploadInput[], maxBytes: number, field: string): InspectedCaseFile[] {
  return files.map((f, i) => {
    try {
      return inspectCaseFile(f?.fileName, f?.contentBase64, maxBytes);
    } catch (error) {
      if (error instanceof UserInputError) throw new UserInputError(`${field}[${i}]: ${error.message}`, field);
      throw error;
    }
  });
}

/** Stores checked files in the evidence blob folder under their SHA-256. */
export async function storeUploads(files: readonly InspectedCaseFile[], evidenceDir: string): Promise<StoredFile[]> {
  if (files.length === 0) return [];
  const store = new BlobStore(evidenceDir);
  const stored: StoredFile[] = [];
  for (const file of files) {
    const blob = await store.put(file.bytes);
    stored.push({ sha256: blob.sha256, fileName: file.fileName, mediaType: file.mediaType, sizeBytes: file.bytes.length });
  }
  return stored;
}
