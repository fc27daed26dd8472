import { createEffect, createMemo, createSignal, on, onCleanup, Show } from 'solid-js'
import type { ProjectViewProps } from '../App'
import { Header } from '../components/Header'
import { api } from '../lib/api'
import './dashboard.css'
import { BarChart } from './dashboard/BarChart'
import { ChartCard } from './dashboard/ChartCard'
import { filtersFromQuery, filtersToQuery, formatClock } from './dashboard/chart-scales'
import { CoefficientCards } from './dashboard/CoefficientCards'
import { Filters } from './dashboard/Filters'
import { Heatmap } from './dashboard/Heatmap'
import { Hotspots } from './dashboard/Hotspots'
import { ModelShadow } from './dashboard/ModelShadow'
import type {
  AgreementFilters,
  AgreementReport,
  AnnotatorRef,
  CsvPart,
  HotspotsReport,
} from './dashboard/types'
import { WeeklyChart } from './dashboard/WeeklyChart'

/** How often the open dashboard asks again while the tab is visible. */
const LIVE_MS = 10_000

type Tab = 'agreement' | 'hotspots'

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/**
 * /p/:id/dashboard: agreement for reviewers, recomputed as labels arrive. Every number a chart
 * shows is printed on it (no hovering needed) and downloadable as CSV or JSON.
 */
export default function DashboardView(props: ProjectViewProps) {
  const params = new URLSearchParams(window.location.search)
  const [tab, setTab] = createSignal<Tab>(
    params.get('tab') === 'hotspots' ? 'hotspots' : 'agreement',
  )
  const [filters, setFilters] = createSignal<AgreementFilters>(
    filtersFromQuery(window.location.search),
  )
  const [metric, setMetric] = createSignal<'kappa' | 'alpha'>('kappa')
  const [report, setReport] = createSignal<AgreementReport>()
  const [hotspots, setHotspots] = createSignal<HotspotsReport>()
  const [error, setError] = createSignal<string>()
  const [loading, setLoading] = createSignal(false)
  const [updated, setUpdated] = createSignal<Date>()
  // Annotators seen in any answer, so the select keeps everyone while one is filtered on.
  const [known, setKnown] = createSignal<AnnotatorRef[]>([])

  const base = () => `/api/projects/${encodeURIComponent(props.project.id)}`
  const query = () => {
    const q = filtersToQuery(filters())
    return q ? `?${q}` : ''
  }
  const jsonUrl = () => `${base()}/agreement${query()}`
  const csvUrl = (part: CsvPart) => `${base()}/agreement/${part}.csv${query()}`
  const links = (part: CsvPart) => ({ csv: csvUrl(part), json: jsonUrl() })
  const hotspotsUrl = () => `${base()}/hotspots?limit=20`

  let seq = 0
  async function load(): Promise<void> {
    const mine = ++seq
    const which = tab()
    setLoading(true)
    try {
      if (which === 'agreement') {
        const r = await api<AgreementReport>('GET', jsonUrl())
        if (mine !== seq) return
        setReport(r)
        remember([...r.pairwise.annotators, ...r.perAnnotator])
        const at = new Date(r.computedAt)
        setUpdated(Number.isNaN(at.getTime()) ? new Date() : at)
      } else {
        const h = await api<HotspotsReport>('GET', hotspotsUrl())
        if (mine !== seq) return
        setHotspots(h)
        setUpdated(new Date())
      }
      setError(undefined)
    } catch (e) {
      if (mine === seq) setError(message(e))
    } finally {
      if (mine === seq) setLoading(false)
    }
  }

  function remember(seen: AnnotatorRef[]): void {
    const byId = new Map(known().map((a) => [a.id, a]))
    let changed = false
    for (const a of seen) {
      if (!byId.has(a.id)) {
        byId.set(a.id, { id: a.id, name: a.name })
        changed = true
      }
    }
    if (changed) setKnown([...byId.values()].sort((a, b) => a.name.localeCompare(b.name)))
  }

  // Filters and tab live in the address, so a view can be shared; replaceState keeps history clean.
  createEffect(
    on([filters, tab], () => {
      const q = new URLSearchParams(filtersToQuery(filters()))
      if (tab() === 'hotspots') q.set('tab', 'hotspots')
      const s = q.toString()
      window.history.replaceState(null, '', window.location.pathname + (s ? `?${s}` : ''))
      void load()
    }),
  )

  // Live: ask again every 10 s while the page is visible, and at once when it becomes visible.
  const timer = setInterval(() => {
    if (document.visibilityState === 'visible') void load()
  }, LIVE_MS)
  const onVisible = () => {
    if (document.visibilityState === 'visible') void load()
  }
  document.addEventListener('visibilitychange', onVisible)
  onCleanup(() => {
    clearInterval(timer)
    document.removeEventListener('visibilitychange', onVisible)
  })

  const labelNames = createMemo(
    () => new Map(props.project.labelSchema.labels.map((l) => [l.id, l.name])),
  )
  const labelName = (id: string) => labelNames().get(id) ?? id

  const selectTab = (t: Tab) => {
    if (t === tab()) return
    setError(undefined)
    setTab(t)
  }

  return (
    <>
      <Header project={props.project} />
      <main class="page dash">
        <div class="dash-title">
          <div>
            <h1>Agreement</h1>
            <p class="muted dash-sub">
              {props.project.name}: how much annotators agree, recomputed as labels arrive.
            </p>
          </div>
          <div class="dash-live" data-testid="dash-updated" role="status">
            <span class={`dot ${loading() ? 'busy' : error() ? 'failed' : ''}`} />
            <Show when={updated()} fallback="loading…">
              {(u) => <>updated {formatClock(u())}</>}
            </Show>
            <button type="button" onClick={() => void load()} disabled={loading()}>
              Refresh
            </button>
          </div>
        </div>

        <div class="dash-tabs" role="tablist" aria-label="Dashboard">
          <button
            type="button"
            role="tab"
            id="tab-agreement"
            aria-selected={tab() === 'agreement'}
            aria-controls="panel-agreement"
            onClick={() => selectTab('agreement')}
          >
            Agreement
          </button>
          <button
            type="button"
            role="tab"
            id="tab-hotspots"
            aria-selected={tab() === 'hotspots'}
            aria-controls="panel-hotspots"
            onClick={() => selectTab('hotspots')}
          >
            Hotspots
          </button>
        </div>

        <Show when={error()}>
          <p class="error" role="alert" data-testid="dash-error">
            {report() || hotspots() ? 'Could not refresh: ' : 'Could not load agreement: '}
            {error()}
          </p>
        </Show>

        <Show when={tab() === 'agreement'}>
          <div id="panel-agreement" role="tabpanel" aria-labelledby="tab-agreement">
            <Filters
              value={filters()}
              labels={props.project.labelSchema.labels}
              annotators={known()}
              onChange={setFilters}
            />
            <Show
              when={report()}
              fallback={
                <Show when={!error()}>
                  <p class="muted">Loading…</p>
                </Show>
              }
            >
              {(r) => <Agreement report={r()} />}
            </Show>
            <ModelShadow project={props.project.id} refresh={report()?.computedAt} />
          </div>
        </Show>

        <Show when={tab() === 'hotspots'}>
          <div id="panel-hotspots" role="tabpanel" aria-labelledby="tab-hotspots">
            <Show
              when={hotspots()}
              fallback={
                <Show when={!error()}>
                  <p class="muted">Loading…</p>
                </Show>
              }
            >
              {(h) => (
                <Hotspots
                  report={h()}
                  project={props.project.id}
                  labelName={labelName}
                  json={hotspotsUrl()}
                />
              )}
            </Show>
          </div>
        </Show>
      </main>
    </>
  )

  function Agreement(p: { report: AgreementReport }) {
    const c = () => p.report.counts
    return (
      <>
        <p class="dash-counts" data-testid="dash-counts">
          <strong>{c().items.toLocaleString()}</strong> items ·{' '}
          <strong>{c().annotators.toLocaleString()}</strong> annotators ·{' '}
          <strong>{c().annotations.toLocaleString()}</strong> labels ·{' '}
          <strong>{c().pairableItems.toLocaleString()}</strong> items labelled by two or more
        </p>
        <ChartCard
          id="overall"
          title="Overall"
          subtitle="Chance-corrected coefficients with 95% bootstrap intervals; percent agreement is not corrected for chance."
          links={links('overall')}
          class="dash-overall"
        >
          <CoefficientCards report={p.report} />
        </ChartCard>
        <div class="dash-grid">
          <ChartCard
            id="pairwise"
            title="Pairwise agreement"
            subtitle={
              <>
                {metric() === 'kappa' ? "Cohen's κ" : "Krippendorff's α"} for each pair of
                annotators; n = items both labelled.
              </>
            }
            links={links('pairwise')}
            actions={
              <span class="dash-toggle" role="group" aria-label="Pairwise coefficient">
                <button
                  type="button"
                  aria-pressed={metric() === 'kappa'}
                  onClick={() => setMetric('kappa')}
                >
                  κ
                </button>
                <button
                  type="button"
                  aria-pressed={metric() === 'alpha'}
                  onClick={() => setMetric('alpha')}
                >
                  α
                </button>
              </span>
            }
          >
            <Heatmap pairwise={p.report.pairwise} metric={metric()} />
          </ChartCard>
          <ChartCard
            id="per-annotator"
            title="Each annotator against the consensus"
            subtitle="Agreement of each annotator with the others' majority label."
            links={links('perAnnotator')}
          >
            <BarChart
              testid="per-annotator-chart"
              label="Agreement of each annotator with the consensus"
              series={[{ name: 'agreement', class: 'alpha' }]}
              empty="No annotator shares items with others yet."
              rows={p.report.perAnnotator.map((a) => ({
                key: a.id,
                name: a.name,
                values: [a.agreement],
                note: `${a.items.toLocaleString()} items`,
                ...(a.reason ? { reason: a.reason } : {}),
              }))}
            />
          </ChartCard>
          <ChartCard
            id="per-label"
            title="Per label"
            subtitle="α of this label against all others, and positive agreement (how often a second annotator also chose it)."
            links={links('perLabel')}
          >
            <BarChart
              testid="per-label-chart"
              label="Agreement per label"
              series={[
                { name: 'α (label vs rest)', class: 'alpha' },
                { name: 'positive agreement', class: 'percent' },
              ]}
              empty="No labels yet."
              rows={p.report.perLabel.map((l) => ({
                key: l.label,
                name: l.name || labelName(l.label),
                values: [l.alpha, l.positiveAgreement],
                note: `${l.count.toLocaleString()} labels`,
                ...(l.reason ? { reason: l.reason } : {}),
              }))}
            />
          </ChartCard>
          <ChartCard
            id="weekly"
            title="Per week"
            subtitle="Did a booklet change or a review session help? Each point is one week's labels."
            links={links('weekly')}
          >
            <WeeklyChart weekly={p.report.weekly} />
          </ChartCard>
        </div>
      </>
    )
  }
}
