/**
 * What a user sees of an ECharts chart in the page, read from the rendered chart (not from the option given):
 * the boxes of the legend's items and of the axis names as drawn (zrender elements with their transforms), the
 * plot area, and the extent of a value axis. For the dashboard's browser tests (issue 18: legends over axis
 * units, axes scaled to the data).
 */
import type { Page } from 'playwright-core';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ChartLayout {
  /** each visible legend element (symbols and texts) */
  legend: Box[];
  /** each axis name drawn, with its text */
  axisNames: (Box & { name: string })[];
  /** the plot area of the first grid */
  grid: Box | null;
}

/** The rendered boxes of the chart in `#chart-<id>`. */
export function chartLayout(page: Page, id: string): Promise<ChartLayout> {
  return page.evaluate((chartId) => {
    const chart = (window as any).echarts.getInstanceByDom(document.querySelector(`#chart-${chartId}`));
    const option = chart.getOption();
    const names = new Set<string>([...(option.xAxis ?? []), ...(option.yAxis ?? [])].map((a: any) => a.name).filter(Boolean));
    const info = (el: any) => {
      for (let e = el; e; e = e.parent) if (e.__ecComponentInfo) return e.__ecComponentInfo as { mainType: string };
      return null;
    };
    const hidden = (el: any) => {
      for (let e = el; e; e = e.parent) if (e.ignore || e.invisible) return true;
      return false;
    };
    const box = (el: any) => {
      const r = el.getBoundingRect().clone();
      const m = el.getComputedTransform();
      if (m) r.applyTransform(m);
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    };
    const legend: { x: number; y: number; width: number; height: number }[] = [];
    const axisNames: { x: number; y: number; width: number; height: number; name: string }[] = [];
    for (const el of chart.getZr().storage.getDisplayList(true)) {
      const i = info(el);
      if (!i || hidden(el)) continue;
      if (i.mainType === 'legend') legend.push(box(el));
      if ((i.mainType === 'xAxis' || i.mainType === 'yAxis') && (el.type === 'tspan' || el.type === 'text') && names.has(el.style?.text)) axisNames.push({ ...box(el), name: el.style.text });
    }
    const rect = chart.getModel().getComponent('grid', 0)?.coordinateSystem?.getRect();
    return { legend, axisNames, grid: rect ? { x: rect.x, y: rect.y, width: rect.width, height: rect.height } : null };
  }, id);
}

/** The [min, max] a value axis of the chart spans as drawn. */
export function axisExtent(page: Page, id: string, axis: 'xAxis' | 'yAxis', index = 0): Promise<[number, number]> {
  return page.evaluate(
    ([chartId, a, i]) => (window as any).echarts.getInstanceByDom(document.querySelector(`#chart-${chartId}`)).getModel().getComponent(a, i).axis.scale.getExtent(),
    [id, axis, index] as const,
  );
}

/** Whether two boxes share any area (touching edges do not count). */
export const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The legend items that overlap an axis name, as "name" strings (empty: none). */
export function legendOverAxisNames(l: ChartLayout): string[] {
  return l.axisNames.filter((n) => l.legend.some((b) => overlap(b, n))).map((n) => n.name);
}
