import type { SqlExecutor } from '../../store';

/** Which rules are on for a region: the setting of the longest matching region prefix, else on. */
export async function ruleSwitches(db: SqlExecutor): Promise<(ruleId: string, regionCode: string) => boolean> {
  const rows = await db.query<{ rule_id: string; region_code: string; enabled: boolean }>(`select rule_id, region_code, enabled from rule_setting`);
  const byRule = new Map<string, Array<{ prefix: string; enabled: boolean }>>();
  for (const r of rows) {
    const list = byRule.get(r.rule_id) ?? [];
    list.push({ prefix: r.region_code, enabled: Boolean(r.enabled) });
    byRule.set(r.rule_id, list);
  }
  for (const list of byRule.values()) list.sort((a, b) => b.prefix.length - a.prefix.length);
  return (ruleId, regionCode) => byRule.get(ruleId)?.find((s) => regionCode.startsWith(s.prefix))?.enabled ?? true;
}
