/**
 * Uploaded case files (案件附件): strict base64 decoding, a size limit and a type check by magic bytes.
 * Accepted: PDF, PNG, JPEG, GIF, WEBP, ZIP-based office files (docx, xlsx) and plain text / CSV
 * (valid UTF-8, no NUL). The declared extension must agree with the content; anything else is refused
 * naming what was found.
 */
import { UserInputError } from '../errors';

/** A kind of file a case accepts: the media type and the extensions that may name it. */
interface FileKind {
  mediaType: string;
  extensions: readonly string[];
  label: string;
}

const PDF: FileKind = { mediaType: 'application/pdf', extensions: ['pdf'], label: 'PDF' };
const PNG: FileKind = { mediaType: 'image/png', extensions: ['png'], label: 'PNG image' };
const JPEG: FileKind = { mediaType: 'image/jpeg', extensions: ['jpg', 'jpeg'], label: 'JPEG image' };
const GIF: FileKind = { mediaType: 'image/gif', extensions: ['gif'], label: 'GIF image' };
const WEBP: FileKind = { mediaType: 'image/webp', extensions: ['webp'], label: 'WEBP image' };
const OFFICE: Record<string, FileKind> = {
  docx: { mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extensions: ['docx'], label: 'Word document (docx)' },
  xlsx: { mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extensions: ['xlsx'], label: 'Excel workbook (xlsx)' },
};
const TEXT: Record<string, FileKind> = {
  txt: { mediaType: 'text/plain; charset=utf-8', extensions: ['txt'], label: 'plain text' },
  csv: { mediaType: 'text/csv; charset=utf-8', extensions: ['csv'], label: 'CSV text' },
};

/** The extensions a case file may have. */
export const CASE_FILE_EXTENSIONS = ['pdf', 'png', 'jpg', 'jpeg', 'gif', 'webp', 'docx', 'xlsx', 'txt', 'csv'] as const;

export interface InspectedCaseFile {
  fileName: string;
  bytes: Buffer;
  mediaType: string;
}

const startsWith = (b: Buffer, sig: number[] | string, at = 0) => {
  const s = typeof sig === 'string' ? Buffer.from(sig, 'latin1') : Buffer.from(sig);
  return b.length >= at + s.length && b.subarray(at, at + s.length).equals(s);
};

/** What the bytes are, by their magic bytes; a name of what was found when not acceptable. */
function sniff(bytes: Buffer): { kind: 'pdf' | 'png' | 'jpeg' | 'gif' | 'webp' | 'zip' | 'text' } | { refused: string } {
  if (startsWith(bytes, '%PDF-')) return { kind: 'pdf' };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: 'png' };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { kind: 'jpeg' };
  if (startsWith(bytes, 'GIF87a') || startsWith(bytes, 'GIF89a')) return { kind: 'gif' };
  if (startsWith(bytes, 'RIFF') && startsWith(bytes, 'WEBP', 8)) return { kind: 'webp' };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return { kind: 'zip' };
  if (startsWith(bytes, 'MZ')) return { refused: 'a Windows executable (MZ header)' };
  if (startsWith(bytes, [0x7f, 0x45, 0x4c, 0x46])) return { refused: 'an ELF executable' };
  if (startsWith(bytes, [0xcf, 0xfa, 0xed, 0xfe]) || startsWith(bytes, [0xfe, 0xed, 0xfa, 0xcf])) return { refused: 'a Mach-O executable' };
  if (startsWith(bytes, '#!')) return { refused: 'a script (#!)' };
  if (startsWith(bytes, 'Rar!')) return { refused: 'a RAR archive' };
  if (startsWith(bytes, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return { refused: 'a 7z archive' };
  if (startsWith(bytes, [0x1f, 0x8b])) return { refused: 'a gzip archive' };
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return { refused: 'a legacy Office (OLE) file' };
  if (!bytes.includes(0) && isUtf8(bytes)) return { kind: 'text' };
  const head = bytes.subarray(0, 8).toString('hex').replace(/(..)/g, '$1 ').trim();
  return { refused: `unrecognised binary content (first bytes ${head || 'none'})` };
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Strict base64: the standard alphabet, padded to a multiple of 4 (whitespace ignored), round-tripping. */
export function decodeBase64Strict(text: string, field = 'contentBase64'): Buffer {
  const clean = (text ?? '').replace(/\s+/g, '');
  if (!clean || clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) {
    throw new UserInputError(`${field}: not valid base64 (standard alphabet, padded)`, field);
  }
  const bytes = Buffer.from(clean, 'base64');
  if (bytes.toString('base64') !== clean) throw new UserInputError(`${field}: not valid base64 (standard alphabet, padded)`, field);
  return bytes;
}

/** The base64 length that may hold `maxBytes` (checked before decoding, so a huge payload is not decoded). */
function maxBase64Length(maxBytes: number): number {
  return Math.ceil(maxBytes / 3) * 4;
}

/**
 * Validates an uploaded case file: name, strict base64, size (`maxBytes`), type by magic bytes agreeing
 * with the extension. Throws UserInputError (BAD_USER_INPUT) naming the field and what was found.
 */
export function inspectCaseFile(fileName: string, contentBase64: string, maxBytes: number): InspectedCaseFile {
  const name = (fileName ?? '').trim();
  if (!name) throw new UserInputError('fileName: give a file name', 'fileName');
  if (name.length > 255) throw new UserInputError('fileName: at most 255 characters', 'fileName');
  if (/[\\/\u0000-\u001f]/.test(name)) throw new UserInputError('fileName: a plain file name, without folders or control characters', 'fileName');
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  if (!(CASE_FILE_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new UserInputError(`fileName: extension "${ext ? `.${ext}` : '(none)'}" is not accepted; accepted: ${CASE_FILE_EXTENSIONS.map((e) => `.${e}`).join(' ')}`, 'fileName');
  }
  const limit = `at most ${maxBytes} bytes (CASE_FILE_MAX_BYTES)`;
  if ((contentBase64 ?? '').replace(/\s+/g, '').length > maxBase64Length(maxBytes)) throw new UserInputError(`contentBase64: the file is too large: ${limit}`, 'contentBase64');
  const bytes = decodeBase64Strict(contentBase64);
  if (bytes.length === 0) throw new UserInputError('contentBase64: the file is empty', 'contentBase64');
  if (bytes.length > maxBytes) throw new UserInputError(`contentBase64: the file is too large (${bytes.length} bytes): ${limit}`, 'contentBase64');

  const found = sniff(bytes);
  if ('refused' in found) throw new UserInputError(`contentBase64: ${found.refused} is not accepted as a case file; accepted: PDF, PNG, JPEG, GIF, WEBP, docx, xlsx, UTF-8 text or CSV`, 'contentBase64');
  let kind: FileKind;
  switch (found.kind) {
    case 'pdf': kind = PDF; break;
    case 'png': kind = PNG; break;
    case 'jpeg': kind = JPEG; break;
    case 'gif': kind = GIF; break;
    case 'webp': kind = WEBP; break;
    case 'zip': {
      const office = OFFICE[ext];
      if (!office) throw new UserInputError(`fileName: the content is a ZIP archive, accepted only as .docx or .xlsx, not ".${ext}"`, 'fileName');
      const marker = ext === 'docx' ? 'word/' : 'xl/';
      if (!bytes.includes(Buffer.from('[Content_Types].xml')) || !bytes.includes(Buffer.from(marker))) {
        throw new UserInputError(`contentBase64: a ZIP archive that is not a ${office.label} (no [Content_Types].xml / ${marker})`, 'contentBase64');
      }
      kind = office;
      break;
    }
    case 'text': {
      const text = TEXT[ext];
      if (!text) throw new UserInputError(`fileName: the content is plain text, accepted only as .txt or .csv, not ".${ext}"`, 'fileName');
      kind = text;
      break;
    }
  }
  if (!kind.extensions.includes(ext)) {
    throw new UserInputError(`fileName: the content is a ${kind.label}, but the name says ".${ext}" (expected ${kind.extensions.map((e) => `.${e}`).join(' or ')})`, 'fileName');
  }
  return { fileName: name, bytes, mediaType: kind.mediaType };
}
