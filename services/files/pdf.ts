/**
 * HTML to PDF through Debian's Chromium (playwright-core), for every document the platform prints: case
 * documents and monthly statistical reports. Only where that browser is installed (`CHROMIUM_PATH`,
 * default /usr/bin/chromium; browsers are never downloaded). The page may load nothing: every request is
 * refused, scripts are off, the HTML must be self-contained. A PDF carries its creation date, so it is not
 * byte-identical when printed again; the HTML it was printed from is the record.
 */
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';

/** Where Chromium is looked for (env CHROMIUM_PATH; default Debian's /usr/bin/chromium). */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** True when PDFs can be printed here. */
export function pdfAvailable(): boolean {
  return fs.existsSync(chromiumPath());
}

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Paper, orientation, margins: playwright's `page.pdf` options. */
export type PdfPageOptions = NonNullable<Parameters<Page['pdf']>[0]>;

/** A PDF printer over one browser, for many documents; close() when done. */
export interface PdfPrinter {
  print(html: string): Promise<Buffer>;
  close(): Promise<void>;
}

/** Launches Chromium (throws when it is absent) to print pages laid out as `layout`. */
export async function openPdfPrinter(layout: PdfPageOptions): Promise<PdfPrinter> {
  if (!pdfAvailable()) throw new Error(`PDF rendering needs Chromium at ${chromiumPath()}`);
  const { chromium } = await import('playwright-core');
  const browser: Browser = await chromium.launch({ executablePath: chromiumPath(), args: FLAGS });
  return {
    async print(html: string) {
      const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
      try {
        const page = await context.newPage();
        await page.route('**/*', (route) => route.abort());
        await page.setContent(html, { waitUntil: 'load' });
        return Buffer.from(await page.pdf(layout));
      } finally {
        await context.close();
      }
    },
    close: () => browser.close(),
  };
}

/** One HTML page as PDF (launches and closes a browser). */
export async function renderPdf(html: string, layout: PdfPageOptions): Promise<Buffer> {
  const printer = await openPdfPrinter(layout);
  try {
    return await printer.print(html);
  } finally {
    await printer.close();
  }
}
