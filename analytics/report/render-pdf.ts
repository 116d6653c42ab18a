/**
 * The monthly report as PDF: the HTML page printed by Debian's Chromium through playwright-core, only
 * where that browser is installed (`CHROMIUM_PATH`, default /usr/bin/chromium). A PDF carries its
 * creation date, so it is not byte-identical on regeneration: it is stored for convenience and is
 * always regenerated from the HTML, which is identical over unchanged data (the HTML is the record).
 */
import fs from 'node:fs';
import type { Browser } from 'playwright-core';

/** Where Chromium is looked for (env CHROMIUM_PATH; default Debian's /usr/bin/chromium). */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** True when the PDF renderer can run here. */
export function pdfAvailable(): boolean {
  return fs.existsSync(chromiumPath());
}

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** A PDF printer over one browser, for many reports; close() when done. */
export interface PdfPrinter {
  print(html: string): Promise<Buffer>;
  close(): Promise<void>;
}

/** Launches Chromium (throws when it is absent). The page may load nothing: the HTML is self-contained. */
export async function openPdfPrinter(): Promise<PdfPrinter> {
  if (!pdfAvailable()) throw new Error(`PDF rendering needs Chromium at ${chromiumPath()}`);
  const { chromium } = await import('playwright-core');
  const browser: Browser = await chromium.launch({ executablePath: chromiumPath(), args: FLAGS });
  return {
    async print(html: string) {
      const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
      try {
        const page = await context.newPage();
        // nothing but the page itself: block every request (the page holds no external resource)
        await page.route('**/*', (route) => route.abort());
        await page.setContent(html, { waitUntil: 'load' });
        return Buffer.from(await page.pdf({ format: 'A3', landscape: true, printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' } }));
      } finally {
        await context.close();
      }
    },
    close: () => browser.close(),
  };
}

/** One HTML page as PDF (launches and closes a browser). */
export async function renderPdf(html: string): Promise<Buffer> {
  const printer = await openPdfPrinter();
  try {
    return await printer.print(html);
  } finally {
    await printer.close();
  }
}
