/** Supervision metrics (issue 7): the indicator catalog, its SQL, the monthly rollup and its reads. */
export { METRICS, metricByKey, type MetricAggregation, type MetricDefinition, type MetricTime, type MetricUnit } from './catalog';
export { COMPUTATIONS, monthWindow, type MetricComputation, type MonthWindow } from './compute';
export { currentAndPreviousMonth, refreshMetrics, type MetricsRefreshResult } from './rollup';
export { checkMetricKeys, MAX_METRIC_ROWS, metricCatalog, MetricGranularity, metrics, monthsBetween, type MetricRow, type MetricsQuery } from './query';
