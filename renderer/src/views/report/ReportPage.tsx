// The report on screen: pick runs, then Tables 1-2, Figures 2-4, comparisons, findings,
// advisor notes, step timelines and configurations, with exports (PDF, HTML, CSV/JSON, bundle).
import { useEffect } from 'react';
import { groupsCsv, type ReportDoc } from '../../../../shared/report/index.js';
import { useApp } from '../../store/index.js';
import { reportIsCurrent, type ReportTab } from '../../store/report-slice.js';
import { BaselineSection, CompareView } from './CompareView.js';
import { ConfigsSection, LabsSection, ProvenanceSection } from './DetailsViews.js';
import { FigureView } from './FigureView.js';
import { AdvisorView, FindingsView } from './FindingsView.js';
import { downloadBase64, downloadText } from './format.js';
import { PaperTable } from './PaperTable.js';
import { RunPicker } from './RunPicker.js';
import { StepsView } from './StepsView.js';
import './report.css';

const TABS: { id: ReportTab; title: string }[] = [
  { id: 'tables', title: 'Tables 1–2' },
  { id: 'figures', title: 'Figures 2–4' },
  { id: 'compare', title: 'Compare' },
  { id: 'findings', title: 'Findings' },
  { id: 'advisor', title: 'Advisor' },
  { id: 'steps', title: 'Inside a step' },
  { id: 'configs', title: 'Configurations' },
];

function ExportBar() {
  const exportReport = useApp((s) => s.exportReport);
  const exportBundle = useApp((s) => s.exportBundle);
  const busy = useApp((s) => s.busy);
  const doc = useApp((s) => s.reportDoc);
  const file = async (p: Promise<{ base64: string; fileName: string; mime: string } | null>) => {
    const f = await p;
    if (f) downloadBase64(f.base64, f.fileName, f.mime);
  };
  return (
    <div className="export-bar" data-testid="export-bar">
      <button type="button" data-testid="export-pdf" disabled={busy['report:export:pdf'] === true} aria-busy={busy['report:export:pdf'] === true} onClick={() => void file(exportReport('pdf'))}>
        {busy['report:export:pdf'] ? 'Rendering PDF…' : 'PDF'}
      </button>
      <button type="button" data-testid="export-html" disabled={busy['report:export:html'] === true} onClick={() => void file(exportReport('html'))}>
        HTML
      </button>
      <button type="button" data-testid="export-groups-csv" disabled={!doc} onClick={() => doc && downloadText(groupsCsv(doc.groups), 'iovlab-measurements.csv', 'text/csv')}>
        Measurements CSV
      </button>
      <button type="button" data-testid="export-bundle" disabled={busy['report:bundle'] === true} onClick={() => void file(exportBundle(true))}>
        Bundle
      </button>
    </div>
  );
}

function TabBody({ tab, doc }: { tab: ReportTab; doc: ReportDoc }) {
  switch (tab) {
    case 'tables':
      return (
        <div className="stack">
          {doc.tables.map((t) => (
            <PaperTable key={t.id} table={t} />
          ))}
        </div>
      );
    case 'figures':
      return (
        <div className="stack">
          {doc.figures.map((f) => (
            <FigureView key={f.id} figure={f} />
          ))}
        </div>
      );
    case 'compare':
      return (
        <div className="stack">
          <CompareView runs={doc.runs} />
          <BaselineSection vm={doc.baseline} />
        </div>
      );
    case 'findings':
      return <FindingsView findings={doc.findings} />;
    case 'advisor':
      return <AdvisorView advice={doc.advice} />;
    case 'steps':
      return <StepsView runs={doc.runs} />;
    case 'configs':
      return (
        <div className="stack">
          <LabsSection labs={doc.labs} />
          <ConfigsSection configs={doc.configs} />
          <ProvenanceSection p={doc.provenance} />
        </div>
      );
  }
}

export function ReportPage() {
  const doc = useApp((s) => s.reportDoc);
  const current = useApp(reportIsCurrent);
  const runIds = useApp((s) => s.reportRunIds);
  const tab = useApp((s) => s.reportTab);
  const setTab = useApp((s) => s.setReportTab);
  const loadReport = useApp((s) => s.loadReport);
  const error = useApp((s) => s.reportError);
  const building = useApp((s) => s.busy['report:build'] === true);
  const connected = useApp((s) => s.connection === 'open');

  // Opening a bookmarked ?view=report&runs=... builds it straight away.
  useEffect(() => {
    if (connected && runIds.length > 0 && !current && !building && !error) void loadReport();
  }, [connected, runIds, current, building, error, loadReport]);

  const state = current ? 'ready' : building ? 'loading' : 'idle';
  return (
    <div className="stack report-page" data-testid="report-page" data-state={state}>
      <RunPicker />
      {error && <p className="alert inline">{error}</p>}
      {current && doc && (
        <section className="card">
          <div className="page-head">
            <div>
              <h1 data-testid="report-title">{doc.title}</h1>
              <p className="small muted">
                {doc.runs.length} run{doc.runs.length === 1 ? '' : 's'}, {doc.groups.length} measurement{doc.groups.length === 1 ? '' : 's'} · compared with {doc.citation}
              </p>
            </div>
            <ExportBar />
          </div>
          <nav className="tabs" role="tablist">
            {TABS.map((t) => (
              <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} className={tab === t.id ? 'tab active' : 'tab'} data-testid={`tab-${t.id}`} onClick={() => setTab(t.id)}>
                {t.title}
              </button>
            ))}
          </nav>
          <div className="tab-body" data-testid={`tab-body-${tab}`}>
            <TabBody tab={tab} doc={doc} />
          </div>
        </section>
      )}
    </div>
  );
}
