/**
 * Whether an SQL text holds more than one statement: a `;` followed by more SQL, ignoring semicolons
 * inside string literals ('…', E'…'), quoted identifiers ("…"), dollar-quoted bodies ($tag$…$tag$) and
 * comments (-- …, nested /* … *\/).
 *
 * Why: the PGlite knex dialect (`@harryplusplus/knex-pglite` 0.13) sends a raw query through PGlite's
 * multi-statement `exec()` whenever the text merely contains a `;` — and MikroORM inlines values into
 * the SQL text, so a shop name with a `;` lost its insert id or broke a batch insert. Hand-written
 * because no maintained package does this one scan without pulling in a full SQL parser.
 */
export function hasSeveralStatements(sql: string): boolean {
  let i = 0;
  const n = sql.length;
  let sawSeparator = false;
  while (i < n) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === "'" ) {
      const escapes = i > 0 && (sql[i - 1] === 'E' || sql[i - 1] === 'e') && !/[\w$]/.test(sql[i - 2] ?? '');
      i++;
      while (i < n) {
        if (escapes && sql[i] === '\\') i += 2;
        else if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === "'") break;
        else i++;
      }
      i++;
    } else if (c === '"') {
      i++;
      while (i < n && !(sql[i] === '"' && sql[i + 1] !== '"')) i += sql[i] === '"' ? 2 : 1;
      i++;
    } else if (c === '-' && next === '-') {
      while (i < n && sql[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
    } else if (c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (tag && !/[\w]/.test(sql[i - 1] ?? '')) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        i = end < 0 ? n : end + tag[0].length;
      } else i++;
    } else if (c === ';') {
      sawSeparator = true;
      i++;
    } else {
      if (sawSeparator && !/\s/.test(c)) return true;
      i++;
    }
  }
  return false;
}
