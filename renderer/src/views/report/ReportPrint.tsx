// The printable report (?view=report&runs=...&print=1): every section of the report page in
// reading order, with page breaks, for page.pdf(). It marks itself data-state="ready" only when
// the view-model arrived and every chart reported drawn, which is what the PDF renderer waits on.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReportDoc } from '../../../../shared/report/index.js';
import { useApp } from '../../store/index.js';
import { reportIsCurrent } from '../../store/report-slice.js';
import { BaselineSection } from './CompareView.js';
import { ConfigsSection, LabsSection, ProvenanceSection } from './DetailsViews.js';
import { FigureView } from './FigureView.js';
import { AdvisorView, FindingsView } from './FindingsView.js';
import { PaperTable } from './PaperTable.js';
import { TimelineView } from './StepsView.js';
import './report.css';

function chartCount(doc: ReportDoc): number {
  return doc.figures.length + doc.timelines.filter((t) => t.points > 0).length;
}

function TitlePage({ doc }: { doc: ReportDoc }) {
  return (
    <section className="print-page title-page">
      <p className="muted">iovlab report</p>
      <h1 data-testid="report-title">{doc.title}</h1>
      <p>Generated {doc.generatedAt} from {doc.runs.length} run{doc.runs.length === 1 ? '' : 's'} ({doc.groups.length} measurements), compared with:</p>
      <p className="citation">{doc.citation}</p>
      <h3>Runs</h3>
      <ul className="small">
        {doc.runs.map((r) => (
          <li key={r.run.id}>
            run {r.run.id} “{r.run.label}” — {r.run.status}, {r.steps.filter((s) => s.status === 'ok').length} ok steps, {r.run.createdAt}
          </li>
        ))}
      </ul>
      <h3>Findings at a glance</h3>
      <ul className="small">
        {doc.findings.map((f) => (
          <li key={f.id}>
            <span className="strong">{f.id}</span> {f.title}: <span className="strong">{f.status.replace(/-/g, ' ')}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function PrintBody({ doc, docKey }: { doc: ReportDoc; docKey: string }) {
  const drawn = useRef(new Set<string>());
  const [drawnCount, setDrawnCount] = useState(0);
  const onDrawn = useCallback((id: string) => {
    if (drawn.current.has(id)) return;
    drawn.current.add(id);
    setDrawnCount(drawn.current.size);
  }, []);
  const ready = drawnCount >= chartCount(doc);
  return (
    <div className="report-print" data-testid="report-print" data-state={ready ? 'ready' : 'drawing'} data-runs={docKey}>
      <TitlePage doc={doc} />
      <section className="print-flow">
        <h2>1. Lab and configurations</h2>
        <LabsSection labs={doc.labs} />
        <ConfigsSection configs={doc.configs} open />
      </section>
      {doc.tables.map((t, i) => (
        <section key={t.id} className="print-page">
          <h2>
            {i + 2}. Table {t.table}, reproduced
          </h2>
          <PaperTable table={t} exportable={false} />
        </section>
      ))}
      <section className="print-page">
        <h2>4. Figures 2–4</h2>
        {doc.figures.map((f) => (
          <div key={f.id} className="figure-block">
            <FigureView figure={f} onDrawn={() => onDrawn(f.id)} height={330} />
          </div>
        ))}
      </section>
      <section className="print-page">
        <h2>5. Against the non-virtualized baseline</h2>
        <BaselineSection vm={doc.baseline} />
        <h2 className="print-gap">6. Findings</h2>
        <FindingsView findings={doc.findings} exportable={false} />
      </section>
      <section className="print-page">
        <h2>7. Advisor notes</h2>
        <AdvisorView advice={doc.advice} />
      </section>
      {doc.timelines.length > 0 && (
        <section className="print-page">
          <h2>8. Inside the steps</h2>
          {doc.timelines.map((t) => (
            <div key={t.stepId} className="timeline-block">
              <TimelineView series={t} onDrawn={() => onDrawn(`step-${t.stepId}`)} height={330} />
            </div>
          ))}
        </section>
      )}
      <section className="print-page">
        <h2>Appendix: provenance</h2>
        <ProvenanceSection p={doc.provenance} />
      </section>
    </div>
  );
}

export function ReportPrint() {
  const doc = useApp((s) => s.reportDoc);
  const docKey = useApp((s) => s.reportDocFor);
  const current = useApp(reportIsCurrent);
  const error = useApp((s) => s.reportError);
  const loadReport = useApp((s) => s.loadReport);
  const runIds = useApp((s) => s.reportRunIds);
  const wanted = runIds.join(',');

  useEffect(() => {
    document.body.classList.add('print');
  }, []);
  // Also on a new route in the same page: the PDF printer reuses one loaded page for many reports.
  useEffect(() => {
    if (wanted) void loadReport();
  }, [wanted, loadReport]);

  if (runIds.length === 0 || error) {
    return (
      <div data-testid="report-print" data-state="error">
        <p data-testid="report-error">{error ?? 'No runs given: the URL needs ?view=report&runs=1,2,…'}</p>
      </div>
    );
  }
  if (!doc || !current || !docKey) return <div data-testid="report-print" data-state="loading" />;
  return <PrintBody key={docKey} doc={doc} docKey={docKey} />;
}
