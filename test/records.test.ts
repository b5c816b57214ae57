import { describe, expect, it } from 'vitest';
import { parseCorpus } from '../indexer/corpus.js';
import { decodeDocument } from '../indexer/decode.js';
import { FILES, recordOf, seedBytes, seedDocuments } from './helpers.js';
import { seedCorpus } from './seed-corpus.js';

const { records, warnings } = seedCorpus();
const of = (file: string) => records.filter((r) => r.source.file === file);

describe('the five seed documents', () => {
  it('parse into 300 records with the expected count per file', () => {
    expect(of(FILES.shandongTable)).toHaveLength(51);
    expect(of(FILES.sixthBatchBlocks)).toHaveLength(37);
    expect(of(FILES.markdownCases)).toHaveLength(143);
    expect(of(FILES.liaoningTable)).toHaveLength(46);
    expect(of(FILES.nationalCases)).toHaveLength(23);
    expect(records).toHaveLength(300);
  });

  it('give every record a unique, URL-safe id', () => {
    const ids = records.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('report item 60 of doc 002, listed in the contents but printed without a body, and do not index it', () => {
    expect(warnings.some((w) => w.file === FILES.markdownCases && /item 60 .*no body/.test(w.message))).toBe(true);
    expect(of(FILES.markdownCases).some((r) => r.source.no === 60)).toBe(false);
  });

  it('never turn a table of contents line, a repeated header or a section row into a record', () => {
    for (const r of records) {
      expect(r.title).not.toMatch(/^(序号|改革事项|借鉴推广事项|目\s*录)$/);
      expect(r.title).not.toMatch(/\.{3,}|…{2,}|\|/);
      expect(r.title).not.toMatch(/^[一二三四五六七八九十]+、/);
    }
  });

  it('keep ids stable across rebuilds: derived from the document and the item, not from order or time', () => {
    const again = parseCorpus([...seedDocuments()].reverse()).records.map((r) => r.id).sort();
    expect(again).toEqual(records.map((r) => r.id).sort());
  });
});

describe('Shandong promotion table (tab-separated, section rows, repeated headers)', () => {
  it('reads item 1 of 改革试点经验 field by field', () => {
    const r = recordOf(records, FILES.shandongTable, 1, '改革试点经验');
    expect(r.title).toBe('增值税留抵退税确认制');
    expect(r.content).toMatch(/^创新实施增值税留抵退税“确认制”/);
    expect(r.scope).toBe('全省');
    expect(r.printedDepartments).toEqual(['省税务局', '青岛市税务局']);
    expect(r.departments).toEqual(['国家税务总局山东省税务局', '国家税务总局青岛市税务局']);
    expect(r.regions).toEqual(['山东']);
    expect(r.source).toMatchObject({ file: FILES.shandongTable, title: '山东自贸试验区制度创新成果推广工作任务分工表', no: 1, line: 7 });
  });

  it('assigns the sections 改革试点经验 (25) and 最佳实践案例 (26), where item numbers restart, and their document types', () => {
    expect(of(FILES.shandongTable).filter((r) => r.section === '改革试点经验')).toHaveLength(25);
    expect(of(FILES.shandongTable).filter((r) => r.section === '最佳实践案例')).toHaveLength(26);
    expect(of(FILES.shandongTable).filter((r) => r.category === '试点经验')).toHaveLength(25);
    expect(of(FILES.shandongTable).filter((r) => r.category === '最佳实践案例')).toHaveLength(26);
    expect(recordOf(records, FILES.shandongTable, 1, '最佳实践案例').title).toBe('“医保大健康”赋能医保医药医疗联动发展');
  });

  it('removes stray spaces inside Chinese titles (高 端装备, 出口 监管, 合格证” 管理) and keeps quotes as printed', () => {
    expect(recordOf(records, FILES.shandongTable, 24, '最佳实践案例').title).toBe('搭建自贸海洋设备和高端装备检验检测服务平台');
    expect(recordOf(records, FILES.shandongTable, 25, '最佳实践案例').title).toBe('鲜活水生动物出口监管模式创新');
    expect(recordOf(records, FILES.shandongTable, 26, '最佳实践案例').title).toBe('水产品“链上合格证”管理模式');
  });
});

describe('sixth-batch table (tab-indented blocks, unit names broken over lines)', () => {
  it('rejoins department names broken across lines and splits separate units', () => {
    expect(recordOf(records, FILES.sixthBatchBlocks, 5).printedDepartments).toEqual(['省公安厅', '省自然资源厅', '省住房城乡建设厅', '省能源局', '国网山东省电力公司']);
    expect(recordOf(records, FILES.sixthBatchBlocks, 4).printedDepartments).toEqual(['省工业和信息化厅', '省交通运输厅']);
    expect(recordOf(records, FILES.sixthBatchBlocks, 14).printedDepartments).toEqual(['省商务厅', '省地方金融监管局']);
    expect(recordOf(records, FILES.sixthBatchBlocks, 16).printedDepartments).toEqual(['人民银行济南分行', '省地方金融监管局']);
    expect(recordOf(records, FILES.sixthBatchBlocks, 35).printedDepartments).toEqual(['民航山东监管局']);
    expect(recordOf(records, FILES.sixthBatchBlocks, 22).printedDepartments).toContain('山东出入境边防检查总站');
  });

  it('rejoins a scope wrapped onto the next line', () => {
    expect(recordOf(records, FILES.sixthBatchBlocks, 15).scope).toBe('二手车出口业务试点地区（青岛市、济宁市）');
  });

  it('reads the region from the text when the title names no province', () => {
    expect(of(FILES.sixthBatchBlocks).every((r) => r.regions.join() === '山东')).toBe(true);
  });

  it('warns about the item printed with a missing cell but still indexes it', () => {
    expect(warnings.some((w) => w.file === FILES.sixthBatchBlocks && /item 13/.test(w.message))).toBe(true);
    expect(recordOf(records, FILES.sixthBatchBlocks, 13).title).toBe('空铁联运一单制货物运输模式');
  });
});

describe('case collection in markdown (inconsistent headings, table of contents)', () => {
  it('reads a record’s three sections: 适用对象, 办理流程, 实际效果', () => {
    const r = recordOf(records, FILES.markdownCases, 5);
    expect(r.title).toBe('企业设立智能登记系统');
    expect(r.applicableTo).toBe('所有市场主体');
    expect(r.process).toMatch(/^通过微信或支付宝“青易办”小程序/);
    expect(r.outcome).toMatch(/^企业设立智能登记系统是运用互联网/);
    expect(r.content).toBeUndefined();
  });

  it('joins a title split over two heading lines (# 40. 工程建设项目 / ## “清单制+告知承诺制”审批改革)', () => {
    expect(recordOf(records, FILES.markdownCases, 40).title).toBe('工程建设项目“清单制+告知承诺制”审批改革');
  });

  it('accepts the misspelt section heading 适应对象 and a heading at any level', () => {
    expect(recordOf(records, FILES.markdownCases, 39).applicableTo).toBe('个人、单位');
    expect(recordOf(records, FILES.markdownCases, 1).applicableTo).toBe('企业和群众');
  });

  it('keeps numbered sub-headings inside an item (#### 1. 建立陆海通…) in that item', () => {
    const r = recordOf(records, FILES.markdownCases, 122);
    expect(r.process).toContain('建立陆海通一体化信息平台');
    expect(of(FILES.markdownCases).filter((x) => x.source.no === 1)).toHaveLength(1);
  });

  it('keeps a table printed inside a case as one line of text per row (信保基金 steps, M0 indicators)', () => {
    const steps = recordOf(records, FILES.markdownCases, 25).process!;
    expect(steps.split('\n')[0]).toBe('申请；评审；确认信保额度；放款与备案；贷后管理');
    expect(steps).toContain('银行落实放款条件，组织放款，并在放款后5个工作日内向基金管理人进行贷款备案。');
    const m0 = recordOf(records, FILES.markdownCases, 43).process!;
    expect(m0).toContain('管理方式；无；增加项目预审环节；确定指标—指标复核');
    expect(m0).not.toMatch(/<br>|\|/);
  });

  it('reads the region (山东) from the text, not from the file name', () => {
    expect(of(FILES.markdownCases).every((r) => r.regions.join() === '山东')).toBe(true);
  });

  it('gives the text a reader sees, not its markdown: **争取权限下放** prints as 争取权限下放, a link as its text, <http://…> as the address', () => {
    const env = recordOf(records, FILES.markdownCases, 144).process!;
    expect(env).toMatch(/^争取权限下放，建设项目环评省级审批权限除跨市的项目外均下放自贸试验区。培育环评试点，/);
    expect(recordOf(records, FILES.markdownCases, 49).process).toContain('通过中国国际贸易“单一窗口”（www.singlewindow.cn）在线向海关提交电子保函。');
    expect(recordOf(records, FILES.markdownCases, 67).process).toContain('企业登录 http://www.ytnqi.com→注册→部门审核');
    for (const r of records) {
      for (const text of [r.title, r.content, r.applicableTo, r.process, r.outcome]) expect(text ?? '', r.id).not.toMatch(/\*\*|\]\(|<https?:|\$/);
    }
  });

  it('prints the inline TeX of the converted PDF as its symbols ($\\pm 0.000$ → ±0.000, $\\leq 1.5\\%$ → ≤1.5%, \\text{容积率})', () => {
    expect(recordOf(records, FILES.markdownCases, 72).process).toContain('可以分“基坑支护和土方开挖”“桩基工程和 ±0.000 以下”“ ±0.000 以上”三个阶段');
    const m0 = recordOf(records, FILES.markdownCases, 43);
    expect(m0.process).toContain('指标体系；4.0≥容积率≥1.5，厂前区占比，占地面积 ≤1.5% 且，计容建筑面积 ≤30%；');
    expect(m0.quantities.map((q) => q.text)).toEqual(['1.5%', '30%', '1.5%', '30%']);
    for (const r of records) expect([r.title, r.content, r.process, r.outcome].join(), r.id).not.toMatch(/\\[a-z]+|\\%/);
  });
});

describe('Liaoning table (another province, other column names and order)', () => {
  it('reads 负责部门 and 推广范围 in their own order, the sections, and 辽宁 from the title', () => {
    const r = recordOf(records, FILES.liaoningTable, 15);
    expect(r.title).toBe('维修物品综保区流转新模式');
    expect(r.departments).toEqual(['大连海关', '沈阳海关']);
    expect(r.scope).toBe('全省');
    expect(r.section).toBe('贸易便利化领域');
    expect(r.category).toBe('试点经验');
    expect(r.regions).toEqual(['辽宁']);
    expect(new Set(of(FILES.liaoningTable).map((x) => x.section))).toEqual(new Set(['政府职能转变领域', '贸易便利化领域', '金融创新领域', '国资国企改革领域', '扩大开放领域']));
  });

  it('keeps numbered points of 实施内容 as printed', () => {
    expect(recordOf(records, FILES.liaoningTable, 1).content).toMatch(/^1\. 整合审批机构.*2\. 优化“一章办理”/);
  });
});

describe('national case write-ups (hard-wrapped PDF text with page numbers)', () => {
  it('rejoins a wrapped title and reads the providing FTZ', () => {
    const r = recordOf(records, FILES.nationalCases, 5);
    expect(r.title).toBe('国际邮件、国际快件和跨境电商业务集约监管新模式');
    expect(r.regions).toEqual(['湖南']);
  });

  it('lists every FTZ of a case provided by several (川渝, 京津冀)', () => {
    expect(recordOf(records, FILES.nationalCases, 2).regions).toEqual(['重庆', '四川']);
    expect(recordOf(records, FILES.nationalCases, 14).regions).toEqual(['天津', '河北', '北京']);
  });

  it('rejoins words broken over a line (广东自 / 贸试验区) and drops page numbers', () => {
    const r = recordOf(records, FILES.nationalCases, 1);
    expect(r.content).toContain('广东自贸试验区广州南沙新区片区');
    const six = recordOf(records, FILES.nationalCases, 6);
    expect(six.process).toContain('降低进口征税基数');
    expect(six.process).not.toMatch(/进\s*20\s*口/);
  });

  it('keeps paragraphs and numbered points as separate lines', () => {
    const r = recordOf(records, FILES.nationalCases, 1);
    expect(r.process!.split('\n')[0]).toBe('（一）打通跨境电商出口退货通道，支持跨境电商出口产业链建设。');
    expect(r.outcome).toMatch(/每年可为企业降低综合物流成本约 5000万元。$/);
  });

  it('records a quantity with a space before its unit (约 5000万元) with its exact span', () => {
    const r = recordOf(records, FILES.nationalCases, 1);
    const q = r.quantities.find((x) => x.unit === '万元' && x.value === 5000)!;
    expect(q.field).toBe('outcome');
    expect(r.outcome!.slice(q.start, q.end)).toBe(q.text);
    expect(q.normalized).toEqual({ value: 5e7, unit: '元' });
  });

  it('does not take a decimal figure at a line start (2.07亿元) for the next case heading', () => {
    expect(of(FILES.nationalCases).map((r) => r.source.no)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
  });
});

describe('the same reform in several documents', () => {
  it('links the Shandong table items to the cases of doc 002 (37–87), both ways', () => {
    const table = recordOf(records, FILES.shandongTable, 1, '改革试点经验');
    const cases = recordOf(records, FILES.markdownCases, 37);
    expect(table.related).toContainEqual({ id: cases.id, file: FILES.markdownCases });
    expect(cases.related).toContainEqual({ id: table.id, file: FILES.shandongTable });
    const linked = of(FILES.shandongTable).filter((r) => r.related.some((x) => x.file === FILES.markdownCases));
    expect(linked).toHaveLength(50); // 51 items; the 51st is item 60, which 002 lists but does not print
  });

  it('links titles printed differently (船舶直转 / 船船直转, 中医 / 中医药)', () => {
    const a = recordOf(records, FILES.shandongTable, 22, '改革试点经验');
    expect(a.related.map((x) => x.id)).toContain(recordOf(records, FILES.markdownCases, 58).id);
    const b = recordOf(records, FILES.shandongTable, 20, '最佳实践案例');
    expect(b.related.map((x) => x.id)).toContain(recordOf(records, FILES.markdownCases, 81).id);
  });

  it('links the three national cases that are items of doc 002, and nothing else of doc 004', () => {
    const pairs = of(FILES.nationalCases).flatMap((r) => r.related.map((x) => [r.source.no, records.find((y) => y.id === x.id)!.source.no]));
    expect(pairs.sort()).toEqual([[10, 108], [11, 139], [8, 113]].sort());
  });
});

describe('robustness to encodings, line ends and layouts', () => {
  const base = seedCorpus().records.filter((r) => r.source.file === FILES.liaoningTable);
  const strip = (rs: typeof base) => rs.map(({ id: _id, related: _rel, source, ...rest }) => ({ ...rest, no: source.no, line: source.line }));

  it('gives the same records for a GB18030 copy of a seed', () => {
    const gb = encodeGb18030(new TextDecoder().decode(seedBytes(FILES.liaoningTable)));
    const parsed = parseCorpus([{ file: 'copy.txt', bytes: gb }]);
    expect(parsed.files[0].encoding).toBe('gb18030');
    expect(strip(parsed.records)).toEqual(strip(base));
  });

  it('gives the same records for a CRLF copy with a BOM, and for UTF-16', () => {
    const text = new TextDecoder().decode(seedBytes(FILES.sixthBatchBlocks));
    const crlf = new TextEncoder().encode('\uFEFF' + text.replace(/\n/g, '\r\n'));
    const orig = seedCorpus().records.filter((r) => r.source.file === FILES.sixthBatchBlocks);
    expect(strip(parseCorpus([{ file: 'crlf.txt', bytes: crlf }]).records)).toEqual(strip(orig));
    const utf16 = new Uint8Array([0xff, 0xfe, ...new Uint8Array(Uint16Array.from([...text].flatMap((c) => [...c].map((u) => u.charCodeAt(0)))).buffer)]);
    expect(strip(parseCorpus([{ file: 'u16.txt', bytes: utf16 }]).records)).toEqual(strip(orig));
  });

  it('recognises a document by its structure, not its name (a renamed copy parses the same)', () => {
    const renamed = parseCorpus([{ file: 'anything.md', bytes: seedBytes(FILES.nationalCases) }]);
    expect(renamed.records.map((r) => r.title)).toEqual(of(FILES.nationalCases).map((r) => r.title));
  });

  it('parses another province’s table in the same layout, with the province from its title', () => {
    const text = [
      '中国（湖南）自由贸易试验区第二批改革经验任务分工表', '',
      '序号\t改革事项\t主要内容\t负责单位\t推广范围',
      '一、投资便利化领域\t\t\t\t',
      '1\t“一件事一次办”改革\t企业开办时间由 3个工作日压缩至 1个工作日。\t省市场监管局 省政务 服务局\t全省',
    ].join('\n');
    const parsed = parseCorpus([{ file: 'hunan.txt', bytes: new TextEncoder().encode(text) }]);
    expect(parsed.records).toHaveLength(1);
    const r = parsed.records[0];
    expect(r).toMatchObject({ title: '“一件事一次办”改革', category: '试点经验', section: '投资便利化领域', regions: ['湖南'], scope: '全省', scopeLevels: ['全省'] });
    expect(r.printedDepartments).toEqual(['省市场监管局', '省政务服务局']);
    expect(r.departments).toEqual(['湖南省市场监督管理局', '湖南省政务服务管理局']);
    expect(r.quantities.filter((q) => q.change).map((q) => [q.value, q.change])).toEqual([[3, 'from'], [1, 'to']]);
  });

  it('names an unreadable or unrecognised file in a warning and indexes the rest', () => {
    const docs = [
      ...seedDocuments().filter((d) => d.file === FILES.liaoningTable),
      { file: 'broken.bin', bytes: new Uint8Array([0x00, 0xff, 0x00, 0xfe, 0x81]) },
      { file: 'notes.txt', bytes: new TextEncoder().encode('这只是一段说明文字，没有表格。') },
    ];
    const parsed = parseCorpus(docs);
    expect(parsed.records).toHaveLength(46);
    expect(parsed.warnings.find((w) => w.file === 'broken.bin')?.message).toMatch(/unreadable/);
    expect(parsed.warnings.find((w) => w.file === 'notes.txt')?.message).toMatch(/not recognised/);
  });

  it('decodes UTF-8 with a BOM, UTF-16 with a BOM and GB18030 without being told', () => {
    expect(decodeDocument(new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0x0d, 0x0a, 0x62])).text).toBe('a\nb');
    expect(decodeDocument(new Uint8Array([0xfe, 0xff, 0x4e, 0x2d])).text).toBe('中');
    expect(decodeDocument(encodeGb18030('自贸试验区')).encoding).toBe('gb18030');
  });
});

/** GB18030 encoder for tests (Node has a decoder but no encoder): built from the decoder's table. */
function encodeGb18030(text: string): Uint8Array {
  const dec = new TextDecoder('gb18030');
  const table = new Map<string, number[]>();
  for (let b1 = 0x81; b1 <= 0xfe; b1++) {
    for (let b2 = 0x40; b2 <= 0xfe; b2++) {
      if (b2 === 0x7f) continue;
      const ch = dec.decode(new Uint8Array([b1, b2]));
      if (ch.length === 1 && ch !== '\ufffd' && !table.has(ch)) table.set(ch, [b1, b2]);
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) out.push(code);
    else {
      const bytes = table.get(ch);
      if (!bytes) throw new Error(`no GB18030 two-byte code for ${ch}`);
      out.push(...bytes);
    }
  }
  return Uint8Array.from(out);
}
