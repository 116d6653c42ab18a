import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import JSZip from 'jszip';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';

/**
 * Reads a register file (经济户口登记表) into a header and rows of strings: the first worksheet of an
 * XLSX through exceljs' streaming reader, CSV through csv-parse. The format is detected from the content, never from the
 * file name. Everything that makes the file as a whole unusable (format, encoding, size, row count,
 * no data) is an `ImportFileError`; what is wrong with single rows is the importer's business.
 *
 * Memory stays bounded by the row limit: rows are counted while they are read and only the first
 * `maxRows` data rows are kept, so an oversized file fails after one light pass, with its exact count.
 */

/** A problem with the file as a whole: nothing of it is imported. The message is for the person who sent it. */
export class ImportFileError extends Error {
  readonly code = 'IMPORT_FILE_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ImportFileError';
  }
}

export type RegisterFormat = 'xlsx' | 'csv';

/** How the text of a CSV file was encoded. */
export type CsvEncoding = 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';

export interface RegisterFileLimits {
  /** most data rows (rows after the header that hold any value) */
  maxRows: number;
  /** largest file accepted, in bytes */
  maxBytes: number;
}

/** One data row: its number as a spreadsheet shows it (the first line of the file is row 1) and its cells as text. */
export interface RegisterRow {
  row: number;
  /** trimmed cell texts, by column index (0-based, aligned with the header) */
  cells: string[];
  /** indexes of cells that held a number too long for Excel (more than 15 digits: the last ones are lost) */
  lossy?: number[];
}

export interface RegisterFile {
  format: RegisterFormat;
  /** the encoding a CSV file was read in; undefined for XLSX */
  encoding?: CsvEncoding;
  /** the header cells as written in the file (trimmed) */
  header: string[];
  /** the header's row number (1 unless title rows stand above it) */
  headerRow: number;
  /** the data rows; blank rows are skipped (and not counted) */
  rows: RegisterRow[];
  /** notes for the report, e.g. title rows skipped above the header */
  warnings: string[];
}

export interface ReadRegisterOptions {
  /**
   * Recognises the header row. Registration exports often put a title row (e.g. "经济户口登记表") above
   * the header: the first of the first 10 non-blank rows this accepts is the header; when none does,
   * the first non-blank row is.
   */
  isHeader?: (cells: string[]) => boolean;
  /**
   * Called with the header as soon as it is settled, before any data row is counted: throwing here
   * refuses the file early (e.g. a missing required column) instead of after reading every row.
   */
  onHeader?: (header: string[]) => void;
}

const XLSX_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const EMPTY_ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** Largest uncompressed size of an XLSX accepted (a 50,000-row register is 25–80 MB of XML): guards against zip bombs. */
const XLSX_MAX_UNCOMPRESSED = 256 * 1024 * 1024;
const HEADER_SEARCH_ROWS = 10;

/** Formats a count the way the report does: 100,001. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * The format of a register file, from its first bytes: XLSX (a zip), a legacy binary .xls (refused with
 * a clear message), or CSV for anything else (the CSV decoder rejects binary content).
 */
export function detectRegisterFormat(content: Buffer): RegisterFormat {
  if (content.subarray(0, 4).equals(XLSX_MAGIC)) return 'xlsx';
  if (content.subarray(0, 4).equals(EMPTY_ZIP_MAGIC)) throw new ImportFileError('the file is an empty zip archive, not an XLSX workbook');
  if (content.subarray(0, 4).equals(OLE_MAGIC)) {
    // Office also wraps password-protected .xlsx files in this container
    if (content.includes(Buffer.from('EncryptionInfo', 'utf16le'))) {
      throw new ImportFileError('the workbook is password-protected: remove the password in Excel and save it again as .xlsx');
    }
    throw new ImportFileError('legacy .xls is not supported; save as .xlsx or CSV');
  }
  return 'csv';
}

/**
 * Decodes the bytes of a CSV file: UTF-16 when it starts with a UTF-16 byte-order mark (Excel's "Unicode
 * text"); otherwise strict UTF-8 (BOM stripped) and, failing that, GB18030 (Chinese Excel saves CSV in
 * GBK, which GB18030 contains). Binary content (NUL bytes) and bytes valid in neither encoding are refused.
 */
export function decodeCsvBytes(content: Buffer): { text: string; encoding: CsvEncoding } {
  if (content[0] === 0xff && content[1] === 0xfe) return { text: decodeStrict('utf-16le', content.subarray(2), 'UTF-16'), encoding: 'utf-16le' };
  if (content[0] === 0xfe && content[1] === 0xff) return { text: decodeStrict('utf-16be', content.subarray(2), 'UTF-16'), encoding: 'utf-16be' };
  const nul = content.indexOf(0);
  if (nul >= 0) {
    throw new ImportFileError(`the file is not a text CSV (it holds binary data: a NUL byte at offset ${nul}); send an .xlsx workbook or a CSV file`);
  }
  const body = content.subarray(0, 3).equals(UTF8_BOM) ? content.subarray(3) : content;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8' };
  } catch {
    // not UTF-8: Chinese Excel writes GBK
  }
  try {
    return { text: new TextDecoder('gb18030', { fatal: true }).decode(body), encoding: 'gb18030' };
  } catch {
    // name the bad byte in the encoding that got further: most likely the one the file was meant to be in
    const utf8 = firstInvalidByte('utf-8', body);
    const gb = firstInvalidByte('gb18030', body);
    const [label, at] = utf8 >= gb ? ['UTF-8', utf8] : ['GB18030', gb];
    throw new ImportFileError(
      `broken encoding: the file is neither valid UTF-8 nor GB18030/GBK (read as ${label}, the first bad byte is at offset ${at + content.length - body.length}): ` +
        'save it again as "CSV UTF-8" or as an .xlsx workbook',
    );
  }
}

function decodeStrict(encoding: string, bytes: Buffer, label: string): string {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new ImportFileError(`broken encoding: the file starts with a ${label} byte-order mark but is not valid ${label}`);
  }
}

/** Offset of the first byte that is invalid in `encoding` (for the error message). */
function firstInvalidByte(encoding: string, bytes: Buffer): number {
  // streaming decoding holds back an incomplete character instead of failing, so the validity of a
  // prefix is monotonic and a binary search finds the first bad byte
  const valid = (n: number) => {
    try {
      new TextDecoder(encoding, { fatal: true }).decode(bytes.subarray(0, n), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  if (valid(bytes.length)) return Math.max(0, bytes.length - 1); // a character cut off at the end
  let lo = 0;
  let hi = bytes.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (valid(mid)) lo = mid;
    else hi = mid;
  }
  return hi - 1;
}

/** Reads a register file: checks the size, detects the format, parses, and enforces the row limit. */
export async function readRegisterFile(content: Buffer, limits: RegisterFileLimits, options: ReadRegisterOptions = {}): Promise<RegisterFile> {
  if (content.length > limits.maxBytes) {
    throw new ImportFileError(`the file is ${formatBytes(content.length)}; the limit is ${formatBytes(limits.maxBytes)} per import: split it into smaller files`);
  }
  if (content.length === 0) throw new ImportFileError('the file is empty');
  const format = detectRegisterFormat(content);
  const collector = new RowCollector(limits.maxRows, options);
  if (format === 'xlsx') {
    await readXlsx(content, collector);
    return { format, ...collector.finish() };
  }
  const { text, encoding } = decodeCsvBytes(content);
  readCsv(text, collector);
  return { format, encoding, ...collector.finish() };
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/**
 * Finds the header, counts the data rows and keeps at most `maxRows` of them. Shared by both formats so
 * that they count rows, skip blank ones and number them the same way.
 */
class RowCollector {
  private header: { row: number; cells: string[] } | null = null;
  /** non-blank rows seen before the header was settled */
  private pending: RegisterRow[] = [];
  private readonly rows: RegisterRow[] = [];
  private dataRows = 0;
  private wideRows = 0;
  private firstWideRow = 0;
  private skippedAbove: number[] = [];

  private readonly isHeader?: (cells: string[]) => boolean;
  private readonly onHeader?: (header: string[]) => void;

  constructor(
    private readonly maxRows: number,
    options: ReadRegisterOptions,
  ) {
    this.isHeader = options.isHeader;
    this.onHeader = options.onHeader;
  }

  add(row: number, cells: string[], lossy?: number[]): void {
    if (cells.every((c) => c === '')) return;
    if (!this.header) {
      this.pending.push(lossy ? { row, cells, lossy } : { row, cells });
      if (this.isHeader?.(cells)) this.settleHeader(this.pending.length - 1);
      else if (this.pending.length >= HEADER_SEARCH_ROWS || !this.isHeader) this.settleHeader(0);
      return;
    }
    this.addData(row, cells, lossy);
  }

  private settleHeader(index: number): void {
    const pending = this.pending;
    this.pending = [];
    this.header = { row: pending[index].row, cells: trimTrailingBlanks(pending[index].cells) };
    this.skippedAbove = pending.slice(0, index).map((r) => r.row);
    this.onHeader?.(this.header.cells);
    for (const r of pending.slice(index + 1)) this.addData(r.row, r.cells, r.lossy);
  }

  private addData(row: number, cells: string[], lossy?: number[]): void {
    this.dataRows++;
    if (this.dataRows > this.maxRows) return; // counted, not kept
    const width = this.header!.cells.length;
    if (cells.length > width) {
      if (cells.slice(width).some((c) => c !== '')) {
        this.wideRows++;
        if (this.firstWideRow === 0) this.firstWideRow = row;
      }
      cells = cells.slice(0, width);
    }
    this.rows.push(lossy ? { row, cells, lossy } : { row, cells });
  }

  finish(): Omit<RegisterFile, 'format' | 'encoding'> {
    if (!this.header && this.pending.length > 0) this.settleHeader(0);
    if (!this.header) throw new ImportFileError('the file is empty: it holds no rows with values');
    if (this.dataRows === 0) throw new ImportFileError(`the file holds only a header (row ${this.header.row}) and no data rows`);
    if (this.dataRows > this.maxRows) {
      throw new ImportFileError(
        `the file holds ${formatCount(this.dataRows)} data rows; the limit is ${formatCount(this.maxRows)} rows per import: split it into smaller files`,
      );
    }
    const warnings: string[] = [];
    if (this.skippedAbove.length > 0) {
      warnings.push(`row${this.skippedAbove.length > 1 ? 's' : ''} ${this.skippedAbove.join(', ')} above the header (row ${this.header.row}) ignored`);
    }
    if (this.wideRows > 0) {
      warnings.push(`values beyond the last header column ignored in ${formatCount(this.wideRows)} row(s), the first being row ${this.firstWideRow}`);
    }
    return { header: this.header.cells, headerRow: this.header.row, rows: this.rows, warnings };
  }
}

function trimTrailingBlanks(cells: string[]): string[] {
  let end = cells.length;
  while (end > 0 && cells[end - 1] === '') end--;
  return cells.slice(0, end);
}

// ---------------------------------------------------------------------------------------------- CSV

function readCsv(text: string, collector: RowCollector): void {
  const delimiter = guessDelimiter(text);
  try {
    parseCsv(text, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      // every record goes through here and none is returned: the collector keeps what it needs, so a
      // 100k-row file is counted without building 100k arrays of the parser's own
      on_record: (record: string[], context: { records: number }) => {
        collector.add(context.records, record.map(csvCellText));
        return null;
      },
    });
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    const e = error as { code?: string; message: string; lines?: number };
    throw new ImportFileError(`the CSV file cannot be parsed${e.lines ? ` (line ${e.lines})` : ''}: ${e.message}`);
  }
}

/** Comma, unless the header line holds more tabs (Excel's "Unicode text") or semicolons. */
function guessDelimiter(text: string): string {
  const end = text.indexOf('\n');
  const first = end < 0 ? text : text.slice(0, end);
  const counts = [',', '\t', ';'].map((d) => [d, first.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0][1] > 0 ? counts[0][0] : ',';
}

/** A CSV cell as text: trimmed; Excel's `="0123"` guard (keeps long numbers as text) unwrapped. */
function csvCellText(value: string): string {
  const v = value.trim();
  const guarded = /^="(.*)"$/s.exec(v);
  return guarded ? guarded[1].trim() : v;
}

// --------------------------------------------------------------------------------------------- XLSX

function damagedZip(): ImportFileError {
  return new ImportFileError('the XLSX file is damaged or truncated (its zip directory cannot be read): save it again in Excel');
}

function damagedPart(name: string): ImportFileError {
  return new ImportFileError(`the XLSX file is damaged (its part ${name} fails its checksum): save it again in Excel`);
}

/**
 * What JSZip read of an entry from the zip directory. Its typings leave this out: `_data` is the entry's
 * still-compressed content (a CompressedObject) once `loadAsync` has run, for every entry that is not empty.
 */
interface CompressedEntry {
  crc32: number;
  uncompressedSize: number;
}

function compressedEntry(file: JSZip.JSZipObject): CompressedEntry | undefined {
  const data = (file as unknown as { _data?: Partial<CompressedEntry> })._data;
  return typeof data?.uncompressedSize === 'number' && typeof data.crc32 === 'number' ? (data as CompressedEntry) : undefined;
}

/**
 * Reads a zip's directory with JSZip, without inflating anything, so that a truncated or damaged
 * archive, a zip that is no workbook (.docx, .ods) and a zip bomb are refused before exceljs sees it.
 */
async function openZip(content: Buffer): Promise<JSZip> {
  try {
    return await JSZip.loadAsync(content);
  } catch (error) {
    const message = (error as Error).message;
    if (message.startsWith('Encrypted zip')) {
      throw new ImportFileError('the workbook is password-protected: remove the password in Excel and save it again as .xlsx');
    }
    // JSZip names the method by its two bytes, e.g. "compression \x0E\x00 unknown" (LZMA)
    const method = /compression \\x([0-9A-F]{2})\\x([0-9A-F]{2}) unknown/.exec(message);
    if (method) throw new ImportFileError(`the XLSX file uses an unsupported zip compression (method ${parseInt(method[1], 16) + 256 * parseInt(method[2], 16)})`);
    throw damagedZip();
  }
}

/**
 * Inflates a part (through JSZip) without keeping it and checks its size and CRC against the directory.
 * exceljs' streaming zip reader hangs (never settles) on a corrupt deflate stream, so nothing may reach
 * it unchecked. JSZip's own `loadAsync(…, { checkCRC32: true })` is not used: its error does not name
 * the part, and it inflates every entry of the archive (other sheets, images) to the end, past a size the
 * directory lied about. zlib.crc32 needs Node 20.15 or later.
 */
async function verifyPart(file: JSZip.JSZipObject): Promise<void> {
  const expected = compressedEntry(file);
  if (!expected) return; // an empty part: nothing to inflate
  let crc = 0;
  let size = 0;
  const sound = await new Promise<boolean>((resolve) => {
    const stream = file.nodeStream('nodebuffer');
    stream.on('data', (chunk: Buffer) => {
      crc = zlib.crc32(chunk, crc);
      size += chunk.length;
      if (size > expected.uncompressedSize) {
        stream.pause(); // larger than its directory entry says: stop inflating (a zip bomb)
        resolve(false);
      }
    });
    stream.on('error', () => resolve(false));
    stream.on('end', () => resolve(crc === expected.crc32 >>> 0 && size === expected.uncompressedSize));
  });
  if (!sound) throw damagedPart(file.name);
}

/**
 * exceljs' own parsers of xl/_rels/workbook.xml.rels and xl/workbook.xml: methods of its Xlsx object
 * that its typings leave out (its readers use them for the same two parts).
 */
interface WorkbookPartParsers {
  // both resolve to undefined for a document that ends before its root element is closed
  parseRels(xml: Iterable<string>): Promise<{ Id?: string; Type?: string; Target?: string }[] | undefined>;
  parseWorkbook(xml: Iterable<string>): Promise<{ sheets?: { rId?: string }[] } | undefined>;
}

/**
 * The parts exceljs needs to stream the first worksheet, as a new zip in the order its streaming reader
 * wants them: relationships, workbook (date system), shared strings, styles (to tell dates from
 * numbers), then the first worksheet in tab order under the name exceljs recognises (it only reads
 * parts named xl/worksheets/sheetN.xml, takes sheets in file order, and buffers a sheet that comes
 * before the shared strings in a temporary file). Other sheets are never read; the parts keep their
 * compressed bytes, so nothing is deflated again. A workbook without shared strings (inline strings,
 * as Apache POI's streaming writer saves) gets an empty shared-strings part.
 */
async function firstSheetStream(content: Buffer): Promise<Buffer> {
  const zip = await openZip(content);
  const unpacked = Object.values(zip.files).reduce((sum, f) => sum + (compressedEntry(f)?.uncompressedSize ?? 0), 0);
  if (unpacked > XLSX_MAX_UNCOMPRESSED) {
    throw new ImportFileError(`the XLSX workbook unpacks to more than ${formatBytes(XLSX_MAX_UNCOMPRESSED)}: split it into smaller files`);
  }
  const workbook = zip.file('xl/workbook.xml');
  const rels = zip.file('xl/_rels/workbook.xml.rels');
  if (!workbook || !rels) {
    const what = zip.file('content.xml') ? 'an OpenDocument spreadsheet (.ods)' : zip.file('word/document.xml') ? 'a Word document' : 'a zip archive';
    throw new ImportFileError(`the file is ${what}, not an Excel .xlsx workbook; save it as .xlsx or CSV`);
  }
  await verifyPart(rels);
  await verifyPart(workbook);
  const parsers = new ExcelJS.Workbook().xlsx as unknown as WorkbookPartParsers;
  const relations = (await parsers.parseRels([await rels.async('string')])) ?? [];
  const firstSheet = (await parsers.parseWorkbook([await workbook.async('string')]))?.sheets?.[0];
  // relationship targets are relative to xl/ unless absolute
  const target = (rel: { Target?: string } | undefined) => (rel?.Target ? zip.file(path.posix.resolve('/xl', rel.Target).slice(1)) : null);
  const partOf = (type: string) => target(relations.find((r) => r.Type?.endsWith(`/${type}`)));
  const sheet = target(relations.find((r) => r.Id !== undefined && r.Id === firstSheet?.rId));
  if (!sheet) throw new ImportFileError('the XLSX workbook has no worksheet');
  const sharedStrings = partOf('sharedStrings') ?? zip.file('xl/sharedStrings.xml');
  const styles = partOf('styles') ?? zip.file('xl/styles.xml');
  for (const part of [sharedStrings, styles, sheet]) if (part) await verifyPart(part);

  const stream = new JSZip();
  // `_data` (see CompressedEntry): JSZip copies a part's compressed bytes as they are; its public
  // `async()` would inflate each part only for `generateAsync` to deflate it again
  const copy = (name: string, part: JSZip.JSZipObject) => stream.file(name, (part as unknown as { _data: Uint8Array })._data);
  copy('xl/_rels/workbook.xml.rels', rels);
  copy('xl/workbook.xml', workbook);
  if (sharedStrings) copy('xl/sharedStrings.xml', sharedStrings);
  else stream.file('xl/sharedStrings.xml', '<?xml version="1.0" encoding="UTF-8"?><sst count="0" uniqueCount="0"/>');
  if (styles) copy('xl/styles.xml', styles);
  copy('xl/worksheets/sheet1.xml', sheet);
  // DEFLATE: parts deflated in the source are copied as they are (JSZip recompresses only stored ones)
  return stream.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** Streams the first worksheet (in tab order) row by row through exceljs' streaming reader: no workbook model is built. */
async function readXlsx(content: Buffer, collector: RowCollector): Promise<void> {
  try {
    const stream = await firstSheetStream(content);
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([stream]), {
      worksheets: 'emit',
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      entries: 'ignore',
    }) as unknown as AsyncIterable<AsyncIterable<ExcelJS.Row>>;
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const cells: string[] = [];
        let lossy: number[] | undefined;
        row.eachCell({ includeEmpty: false }, (cell, col) => {
          while (cells.length < col - 1) cells.push('');
          const { text, lossy: isLossy } = cellText(cell.value);
          cells.push(text);
          if (isLossy) (lossy ??= []).push(col - 1);
        });
        collector.add(row.number, cells, lossy);
      }
    }
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    throw new ImportFileError(`the XLSX file cannot be read: ${(error as Error).message}`);
  }
}

/**
 * A cell's value as the text a person sees: numbers without float noise (Excel shows 15 significant
 * digits), dates as YYYY-MM-DD (with the time when there is one), rich text joined, formulas by their
 * result, hyperlinks by their text, errors as written (#N/A).
 */
export function cellText(value: ExcelJS.CellValue | undefined): { text: string; lossy?: boolean } {
  if (value === null || value === undefined) return { text: '' };
  if (typeof value === 'string') return { text: value.trim() };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { text: String(value) };
    if (Number.isInteger(value)) return Math.abs(value) >= 1e15 ? { text: BigInt(value).toString(), lossy: true } : { text: String(value) };
    return { text: String(Number(value.toPrecision(15))) };
  }
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE' };
  if (value instanceof Date) return { text: formatDate(value) };
  if (typeof value === 'object') {
    const v = value as unknown as Record<string, unknown>;
    if (Array.isArray(v.richText)) return { text: (v.richText as { text?: string }[]).map((r) => r.text ?? '').join('').trim() };
    if ('formula' in v || 'sharedFormula' in v) return cellText(v.result as ExcelJS.CellValue | undefined);
    if ('error' in v) return { text: String(v.error) };
    if ('text' in v) return cellText(v.text as ExcelJS.CellValue);
  }
  return { text: String(value).trim() };
}

function formatDate(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const iso = d.toISOString();
  const time = iso.slice(11, 19);
  return time === '00:00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${time}`;
}
