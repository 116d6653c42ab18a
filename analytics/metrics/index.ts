/** Supervision metrics (issue 7): the indicator catalog, its SQL, the monthly rollup and its reads. */
export { METRICS, metricByKey, type MetricAggregation, type MetricDefinition, type MetricDirection, type MetricTime, type MetricUnit } from './catalog';
export { COMPUTATIONS, dayWindow, MAX_WINDOW_DAYS, monthWindow, type MetricComputation, type MonthWindow } from './compute';
export { currentAndPreviousMonth, refreshMetrics, type MetricsRefreshResult } from './rollup';
export { checkMetricKeys, MAX_METRIC_ROWS, metricCatalog, MetricGranularity, metrics, metricsOverDays, monthsBetween, type DayMetricsQuery, type MetricRow, type MetricsQuery } from './query';
export { subtreeValuesOverDays, type WindowValue } from './window';
