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
