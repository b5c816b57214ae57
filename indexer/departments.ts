/**
 * Responsible units (负责单位). Word and PDF tables break long unit names over lines (省住房城乡 / 建设厅,
 * 国网山东省 / 电力公司) and print several units in one cell, separated by line breaks or spaces. We rejoin a
 * fragment with the next one when it cannot end a unit name, and split everywhere else.
 */

/** Endings of a complete unit name: 厅, 局, 委, 海关, 公司, 总站 … */
const UNIT_END = /(厅|局|委|办|院|行|部|会|司|署|处|站|公司|海关|中心|政府|集团|室|所|社|队|联|馆)$/;
/** A branch that belongs to the unit before it: 人民银行 / 济南分行. */
const BRANCH = /(分行|支行|分局|分公司|营业部)$/;
const PARENT = /(银行|公司|集团)$/;

/** Rejoin broken unit names and split a cell's fragments into one entry per unit. */
export function joinDepartments(fragments: string[]): string[] {
  const parts = fragments.flatMap((f) => f.split(/[\s、，,；;]+/)).map((f) => f.trim()).filter(Boolean);
  const out: string[] = [];
  for (const part of parts) {
    const prev = out[out.length - 1];
    if (prev !== undefined && (!UNIT_END.test(prev) || (BRANCH.test(part) && PARENT.test(prev)))) {
      out[out.length - 1] = prev + part;
    } else {
      out.push(part);
    }
  }
  return out;
}

/** Printed unit name → full-name template ({省}省 stands for the document's province). */
export type DepartmentAliases = ReadonlyMap<string, string>;

/** Parse dict/departments.txt: `printed = full name` lines; # starts a comment. */
export function parseDepartmentAliases(text: string): DepartmentAliases {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    const m = /^(\S+)\s*=\s*(\S+)$/.exec(line);
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

const MUNICIPALITIES = new Set(['北京', '天津', '上海', '重庆']);
const AUTONOMOUS: Record<string, string> = { 内蒙古: '内蒙古自治区', 广西: '广西壮族自治区', 西藏: '西藏自治区', 宁夏: '宁夏回族自治区', 新疆: '新疆维吾尔自治区', 香港: '香港特别行政区', 澳门: '澳门特别行政区' };

/** 山东 → 山东省, 北京 → 北京市, 广西 → 广西壮族自治区. */
export function provinceFullName(short: string): string {
  return MUNICIPALITIES.has(short) ? `${short}市` : AUTONOMOUS[short] ?? `${short}省`;
}

/**
 * The canonical, province-qualified name of a printed unit: the alias table's full name with the document's
 * province filled in; a 省… name with no alias is still qualified (省X → 山东省X); anything else as printed.
 * Without a province, 省… names stay as printed (there is nothing to qualify them with).
 */
export function canonicalDepartment(printed: string, province: string | undefined, aliases: DepartmentAliases): string {
  const template = aliases.get(printed) ?? (printed.startsWith('省') ? `{省}${printed}` : printed);
  if (!template.includes('{省}')) return template;
  if (!province) return printed;
  return template.replace(/\{省\}省/g, provinceFullName(province)).replace(/\{省\}/g, provinceFullName(province).replace(/省$/, ''));
}
