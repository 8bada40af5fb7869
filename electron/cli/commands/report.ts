// `iovlab report --runs 1,2,3 [--pdf out.pdf] [--html out.html] [--table NAME --csv F | --json F]`:
// the report of stored runs against Shafer 2010, printed to PDF/HTML by headless Chromium from
// the same React views as the screen, or any of its tables as CSV/JSON. Without an output
// option it prints the findings and where the lab's numbers sit.
import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { compareCsv, compareSets, findingsCsv, groupsCsv, setLabelOf, tableCsv, toJson, type CompareSetSpec, type ReportDoc } from '../../../shared/report/index.js';
import { renderReport } from '../../core/report/pdf.js';
import { withSession } from '../context.js';

const TABLES = ['report', 'table1', 'table2', 'findings', 'measurements', 'compare'] as const;
type TableName = (typeof TABLES)[number];

interface ReportOptions {
  runs: number[];
  title?: string;
  pdf?: string;
  html?: string;
  table?: TableName;
  csv?: string;
  json?: string;
  compare?: [string, string];
}

export function parseRunIds(v: string): number[] {
  const ids = v.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (ids.length === 0 || ids.some((n) => !Number.isInteger(n) || n <= 0)) throw new InvalidArgumentError('expected run ids like 1,2,3 (see: iovlab runs list)');
  return ids;
}

function parseCompare(v: string): [string, string] {
  const parts = v.split(',');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new InvalidArgumentError('expected two sets, LABEL[:CONFIG],LABEL[:CONFIG]');
  return [parts[0], parts[1]];
}

/** "LABEL[:CONFIG]" → the runs of the report carrying that label, narrowed to the configuration. */
function compareSpec(doc: ReportDoc, text: string): CompareSetSpec {
  const [label = '', config] = text.split(':');
  const runIds = doc.runs.filter((r) => setLabelOf(r.run) === label).map((r) => r.run.id);
  if (runIds.length === 0) throw new InvalidArgumentError(`no run in the report has the label "${label}" (labels: ${[...new Set(doc.runs.map((r) => setLabelOf(r.run)))].join(', ')})`);
  return { label: text, runIds, configName: config ?? null };
}

function tableText(doc: ReportDoc, name: TableName, format: 'csv' | 'json', compare?: [string, string]): string {
  if (name === 'compare') {
    if (!compare) throw new InvalidArgumentError('--table compare needs --compare LABEL[:CONFIG],LABEL[:CONFIG]');
    const vm = compareSets(doc.runs, compareSpec(doc, compare[0]), compareSpec(doc, compare[1]));
    return format === 'csv' ? compareCsv(vm) : toJson('compare', vm);
  }
  switch (name) {
    case 'report':
      if (format === 'csv') throw new InvalidArgumentError('the whole report has no CSV form; pick --table table1, table2, findings, measurements or compare');
      return toJson('report', doc);
    case 'table1':
    case 'table2': {
      const t = doc.tables[name === 'table1' ? 0 : 1];
      return format === 'csv' ? tableCsv(t) : toJson('table', t);
    }
    case 'findings':
      return format === 'csv' ? findingsCsv(doc.findings) : toJson('findings', doc.findings);
    case 'measurements':
      return format === 'csv' ? groupsCsv(doc.groups) : toJson('measurements', doc.groups);
  }
}

function summary(doc: ReportDoc): string {
  const lines = [`${doc.title}`, `${doc.runs.length} runs, ${doc.groups.length} measurements; compared with ${doc.citation}`, ''];
  for (const f of doc.findings) lines.push(`${f.id} ${f.status.replace(/-/g, ' ').toUpperCase()}: ${f.title}`, `   ${f.summary}`);
  for (const t of doc.tables) {
    const lab = [...t.lines.filter((l) => l.source === 'lab'), ...t.labOnly];
    lines.push('', `Table ${t.table}: ${lab.length} lab rows`);
    for (const l of lab) lines.push(`   ${l.vmm} ${l.target}${l.eucalyptusDefault ? '(*)' : ''} ${l.driver}: ${l.bandwidth} MB/s (n=${l.n})${l.pctOfNative === null ? '' : `, ${l.pctOfNative}% of native`}${l.paperRowId ? '' : ' [not in the paper]'}`);
  }
  return `${lines.join('\n')}\n`;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('the report of stored runs beside Shafer 2010: PDF or HTML (headless Chromium), tables as CSV/JSON, or a summary')
    .requiredOption('--runs <ids>', 'run ids, comma separated (see: iovlab runs list)', parseRunIds)
    .option('--title <text>', 'report title')
    .option('--pdf <file>', 'write the report as PDF')
    .option('--html <file>', 'write the report as one self-contained HTML file')
    .option('--table <name>', `what --csv/--json write: ${TABLES.join(', ')} (default report for --json)`, (v) => {
      if (!(TABLES as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${TABLES.join(', ')}`);
      return v as TableName;
    })
    .option('--csv <file>', 'write --table as CSV')
    .option('--json <file>', 'write --table as JSON')
    .option('--compare <a,b>', 'the two sets of --table compare, each LABEL[:CONFIG]', parseCompare)
    .action(async (opts: ReportOptions, command: Command) => {
      if (opts.csv && !opts.table) throw new InvalidArgumentError('--csv needs --table (table1, table2, findings, measurements, compare)');
      await withSession(command, async ({ call, backend }) => {
        const doc = await call('report.build', opts.title ? { runIds: opts.runs, title: opts.title } : { runIds: opts.runs });
        const table = opts.table ?? 'report';
        if (opts.csv) await writeFile(opts.csv, tableText(doc, table, 'csv', opts.compare));
        if (opts.json) await writeFile(opts.json, tableText(doc, table, 'json', opts.compare));
        if (opts.pdf || opts.html) {
          const r = await renderReport(backend, { runIds: opts.runs, ...(opts.title ? { title: opts.title } : {}), pdf: !!opts.pdf, html: !!opts.html });
          if (opts.pdf && r.pdf) await writeFile(opts.pdf, r.pdf);
          if (opts.html && r.html) await writeFile(opts.html, r.html);
          const ms = Math.round(r.timings.launchMs + r.timings.readyMs + r.timings.printMs);
          process.stderr.write(`iovlab report: ${[opts.pdf && `${opts.pdf} (${r.pages ?? '?'} pages)`, opts.html].filter(Boolean).join(', ')} in ${ms} ms\n`);
        }
        if (!opts.pdf && !opts.html && !opts.csv && !opts.json) process.stdout.write(summary(doc));
      });
    });
}
