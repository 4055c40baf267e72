/**
 * The trial component list: a toolbar (query, differing parameters, Group by, exports, Add
 * chart), the Table properties pane, a grid virtualized both ways with the name column pinned
 * left (and the baseline pinned on top), and a status line (pages loading, an error with Retry,
 * the server's notes). Its rows come a page at a time from the server as it scrolls; it renders
 * again on every change of its model (`UseSignal`).
 */
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import { UseSignal } from '@jupyterlab/ui-components';
import { useVirtualizer } from '@tanstack/react-virtual';
import React, {
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState
} from 'react';
import { ITableGroup, SummaryStatistic } from '../api';
import {
  formatCompactTime,
  formatNumber,
  formatTime,
  statisticLabel
} from '../format';
import { Direction, IDifference } from './baseline';
import {
  CATEGORIES,
  categoryLabel,
  columnTitle,
  IListColumn,
  statisticsOf
} from './columns';
import {
  groupByLabel,
  groupByOptions,
  keyText,
  MAX_GROUP_BY
} from './grouping';
import {
  GROUP_COUNT_COLUMN,
  IListRow,
  ListItem,
  TrialComponentListModel
} from './listModel';

export const LIST_ROW_HEIGHT = 28;
/** A row's height while a baseline is pinned: its value and, under it, the difference. */
export const DIFF_ROW_HEIGHT = 42;
export const LIST_COLUMN_WIDTH = 170;
export const PINNED_COLUMN_WIDTH = 240;

/**
 * A column's width: names, status and times compact (a time in few characters; every cell whole
 * on hover), a metric wide enough for its aggregation beside its name.
 */
export function columnWidth(column: IListColumn): number {
  if (column.id === GROUP_COUNT_COLUMN) {
    return 80;
  }
  switch (column.kind) {
    case 'status':
      return 100;
    case 'time':
      return 112;
    case 'parameter':
      return 140;
    case 'metric':
      return 180;
    case 'name':
    case 'trials':
    case 'experiments':
    case 'source':
      return 150;
    default:
      return LIST_COLUMN_WIDTH;
  }
}

export interface IListViewProps {
  model: TrialComponentListModel;
  onExportCsv: () => void;
  /** Bytes of the CSV export read so far, while it downloads; null otherwise. */
  csvProgress?: number | null;
  onCopyCode: () => void;
  onAddChart: () => void;
  /** Saves the list as a named view; no button without it. */
  onSaveView?: () => void;
  translator?: ITranslator;
}

export function ListView(props: IListViewProps): JSX.Element {
  const { model, translator } = props;
  const trans = useMemo(
    () => (translator ?? nullTranslator).load('smx_lab'),
    [translator]
  );
  const [showProperties, setShowProperties] = useState(false);
  return (
    <UseSignal signal={model.changed}>
      {() => (
        <div className="smx-CompareList">
          <ListToolbar
            {...props}
            trans={trans}
            showProperties={showProperties}
            onToggleProperties={() => setShowProperties(!showProperties)}
          />
          <div className="smx-CompareList-body">
            <UseSignal signal={model.pagesChanged}>
              {() => <Grid model={model} trans={trans} />}
            </UseSignal>
            {showProperties && <TableProperties model={model} trans={trans} />}
          </div>
          <UseSignal signal={model.pagesChanged}>
            {() => (
              <StatusLine
                model={model}
                trans={trans}
                csvProgress={props.csvProgress ?? null}
              />
            )}
          </UseSignal>
        </div>
      )}
    </UseSignal>
  );
}

function ListToolbar(
  props: IListViewProps & {
    trans: TranslationBundle;
    showProperties: boolean;
    onToggleProperties: () => void;
  }
): JSX.Element {
  const { model, trans } = props;
  const [text, setText] = useState(model.query);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Only the answer to the latest filter (or clearing it) applies.
  const latest = useRef(0);
  const run = async (query: string) => {
    const attempt = ++latest.current;
    setBusy(true);
    try {
      await model.setQuery(query);
      if (attempt === latest.current) {
        setError(null);
      }
    } catch (reason) {
      if (attempt === latest.current) {
        setError(reason instanceof Error ? reason.message : String(reason));
      }
    } finally {
      if (attempt === latest.current) {
        setBusy(false);
      }
    }
  };
  return (
    <div className="smx-CompareList-toolbar">
      <form
        className="smx-CompareList-query"
        role="search"
        onSubmit={event => {
          event.preventDefault();
          void run(text);
        }}
      >
        <input
          className="jp-mod-styled smx-CompareList-queryInput"
          type="search"
          value={text}
          placeholder={trans.__(
            'Filter with a query, e.g. %1',
            'metrics.test:accuracy.max > 0.9'
          )}
          aria-label={trans.__('Filter rows with a query')}
          aria-invalid={error !== null}
          aria-describedby="smx-compare-query-error"
          onChange={event => {
            setText(event.target.value);
            if (!event.target.value.trim() && (model.query || busy)) {
              void run('');
            }
          }}
        />
        <button className="jp-mod-styled" type="submit" disabled={busy}>
          {trans.__('Filter')}
        </button>
      </form>
      <label className="smx-CompareList-toggle">
        <input
          type="checkbox"
          checked={model.differingOnly}
          onChange={event => {
            model.differingOnly = event.target.checked;
          }}
        />
        {trans.__('Show only differing parameters')}
      </label>
      <GroupByChooser model={model} trans={trans} />
      <UseSignal signal={model.pagesChanged}>
        {() => (
          <span className="smx-CompareList-count" aria-live="polite">
            {countText(model, trans)}
          </span>
        )}
      </UseSignal>
      <span className="smx-CompareList-actions">
        <button
          className="jp-mod-styled"
          aria-pressed={props.showProperties}
          onClick={props.onToggleProperties}
        >
          {trans.__('Table properties')}
        </button>
        <button
          className="jp-mod-styled"
          onClick={props.onExportCsv}
          disabled={
            props.csvProgress !== null && props.csvProgress !== undefined
          }
        >
          {trans.__('Export CSV')}
        </button>
        <button className="jp-mod-styled" onClick={props.onCopyCode}>
          {trans.__('Copy as notebook code')}
        </button>
        {props.onSaveView && (
          <button className="jp-mod-styled" onClick={props.onSaveView}>
            {trans.__('Save view…')}
          </button>
        )}
        <button
          className="jp-mod-styled jp-mod-accept"
          onClick={props.onAddChart}
        >
          {trans.__('Add chart')}
        </button>
      </span>
      {error !== null && (
        <div
          id="smx-compare-query-error"
          className="smx-CompareList-error"
          role="alert"
        >
          {error}
        </div>
      )}
    </div>
  );
}

/**
 * The toolbar's Group by: a button opening the properties to group by (one to three), and, once
 * grouped, what a group row shows per metric.
 */
function GroupByChooser(props: {
  model: TrialComponentListModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const [open, setOpen] = useState(false);
  const id = useId();
  const options = groupByOptions(model.columns, model.tagKeys, trans);
  const chosen = model.groupBy;
  const toggle = (property: string, on: boolean) =>
    model.setGroupBy(
      on ? [...chosen, property] : chosen.filter(p => p !== property)
    );
  const sections: [string, typeof options][] = [
    [trans.__('Parameters'), options.filter(o => o.source === 'parameter')],
    [trans.__('Tags'), options.filter(o => o.source === 'tag')],
    [trans.__('Trial component'), options.filter(o => o.source === 'record')]
  ];
  return (
    <span className="smx-CompareList-groupBy">
      <button
        className="jp-mod-styled"
        aria-expanded={open}
        aria-controls={id}
        aria-pressed={chosen.length > 0}
        onClick={() => setOpen(!open)}
      >
        {chosen.length
          ? trans.__(
              'Group by: %1',
              chosen.map(p => groupByLabel(p, trans)).join(', ')
            )
          : trans.__('Group by…')}
      </button>
      {chosen.length > 0 && (
        <select
          className="smx-CompareList-band"
          aria-label={trans.__('Group statistics')}
          value={model.band}
          onChange={event => {
            model.band = event.target.value as 'std' | 'minmax';
          }}
        >
          <option value="std">{trans.__('mean ± std')}</option>
          <option value="minmax">{trans.__('min – max')}</option>
        </select>
      )}
      {open && (
        <div
          id={id}
          className="smx-CompareList-popover smx-CompareList-groupByMenu"
          role="group"
          aria-label={trans.__('Group by')}
          onKeyDown={event => {
            if (event.key === 'Escape') {
              setOpen(false);
            }
          }}
        >
          <div className="smx-CompareList-popoverHint">
            {trans.__('Group by up to %1 properties', MAX_GROUP_BY)}
          </div>
          {sections.map(([title, items]) =>
            items.length ? (
              <fieldset key={title}>
                <legend>{title}</legend>
                {items.map(option => {
                  const checked = chosen.includes(option.property);
                  return (
                    <label key={option.property} title={option.property}>
                      <input
                        type="checkbox"
                        checked={checked}
                        disabled={!checked && chosen.length >= MAX_GROUP_BY}
                        onChange={event =>
                          toggle(option.property, event.target.checked)
                        }
                      />
                      {option.label}
                    </label>
                  );
                })}
              </fieldset>
            ) : null
          )}
          <div className="smx-CompareList-popoverActions">
            <button
              className="jp-mod-styled"
              disabled={chosen.length === 0}
              onClick={() => model.setGroupBy([])}
            >
              {trans.__('No grouping')}
            </button>
            <button
              className="jp-mod-styled jp-mod-accept"
              onClick={() => setOpen(false)}
            >
              {trans.__('Done')}
            </button>
          </div>
        </div>
      )}
    </span>
  );
}

/**
 * "3 trial components", "1 of 3 trial components", "12 groups of 96 trial components": whole
 * sentences, plural by the count, so that translations can order their words. Exact: the server
 * counts the whole selection.
 */
function countText(
  model: TrialComponentListModel,
  trans: TranslationBundle
): string {
  const all = model.selectionTotal;
  const shown = model.total;
  // %1 is the count the plural follows; %2 (and %3) the numbers as written.
  const count = model.query
    ? trans._n(
        '%3 of %2 trial component',
        '%3 of %2 trial components',
        all,
        all.toLocaleString('en-US'),
        shown.toLocaleString('en-US')
      )
    : trans._n(
        '%2 trial component',
        '%2 trial components',
        all,
        all.toLocaleString('en-US')
      );
  const groups = model.groupTotal;
  return model.grouped && groups !== null
    ? trans._n('%1 group · %2', '%1 groups · %2', groups, count)
    : count;
}

/** Under the grid: pages loading, an error with Retry, the server's notes, the CSV download. */
function StatusLine(props: {
  model: TrialComponentListModel;
  trans: TranslationBundle;
  csvProgress: number | null;
}): JSX.Element | null {
  const { model, trans, csvProgress } = props;
  const error = model.error;
  const notes = model.notes;
  if (!error && !model.loading && !notes.length && csvProgress === null) {
    return null;
  }
  return (
    <div className="smx-CompareList-status">
      {model.loading && !error && (
        <span className="smx-CompareList-loading" role="status">
          {trans.__('Loading rows…')}
        </span>
      )}
      {csvProgress !== null && (
        <span className="smx-CompareList-csvProgress" role="status">
          {trans.__(
            'Exporting CSV… %1 MB',
            (csvProgress / 1e6).toLocaleString('en-US', {
              maximumFractionDigits: 1
            })
          )}
        </span>
      )}
      {error && (
        <span className="smx-CompareList-pageError" role="alert">
          {trans.__('Rows could not be loaded: %1', error.message)}{' '}
          <button className="jp-mod-styled" onClick={() => model.retry()}>
            {trans.__('Retry')}
          </button>
        </span>
      )}
      {notes.map(note => (
        <span key={note} className="smx-CompareList-note">
          {note}
        </span>
      ))}
      {notes.length > 0 && (
        <button
          className="jp-mod-styled smx-CompareList-dismiss"
          onClick={() => model.dismissNotes()}
        >
          {trans.__('Dismiss')}
        </button>
      )}
    </div>
  );
}

function AggregationSelect(props: {
  model: TrialComponentListModel;
  column: IListColumn;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, column, trans } = props;
  const metric = column.metric as string;
  return (
    <select
      className="smx-CompareList-aggregation"
      aria-label={trans.__('Data aggregation of %1', metric)}
      value={model.aggregation(metric)}
      onChange={event =>
        model.setAggregation(metric, event.target.value as SummaryStatistic)
      }
    >
      {statisticsOf(column).map(statistic => (
        <option key={statistic} value={statistic}>
          {statisticLabel(statistic, trans)}
        </option>
      ))}
    </select>
  );
}

/** The "Table properties" pane: categories, columns one by one, metric aggregations. */
function TableProperties(props: {
  model: TrialComponentListModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  return (
    <aside
      className="smx-CompareList-properties"
      aria-label={trans.__('Table properties')}
    >
      <h3 className="smx-Details-sectionTitle">
        {trans.__('Table properties')}
      </h3>
      {CATEGORIES.map(category => {
        const columns = model.columns.filter(c => c.category === category);
        if (columns.length === 0) {
          return null;
        }
        const hidden = model.isCategoryHidden(category);
        return (
          <fieldset key={category} className="smx-CompareList-category">
            <legend>
              <label>
                <input
                  type="checkbox"
                  checked={!hidden}
                  onChange={event =>
                    model.setCategoryHidden(category, !event.target.checked)
                  }
                />
                {categoryLabel(category, trans)}
              </label>
            </legend>
            {!hidden &&
              columns.map(column => {
                const title = columnTitle(column, column.label, trans);
                return (
                  <div key={column.id} className="smx-CompareList-columnChoice">
                    <label title={title}>
                      <input
                        type="checkbox"
                        checked={!model.isColumnHidden(column.id)}
                        // The pinned name column always shows.
                        disabled={column.kind === 'display_name'}
                        onChange={event =>
                          model.setColumnHidden(
                            column.id,
                            !event.target.checked
                          )
                        }
                      />
                      {title}
                    </label>
                    {column.metric !== undefined && (
                      <AggregationSelect
                        model={model}
                        column={column}
                        trans={trans}
                      />
                    )}
                  </div>
                );
              })}
          </fieldset>
        );
      })}
    </aside>
  );
}

function cellText(value: unknown, column: IListColumn): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value === 'number') {
    return formatNumber(value);
  }
  if (Array.isArray(value)) {
    return value.join(', ');
  }
  if (column.kind === 'time') {
    return formatCompactTime(String(value));
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A cell's tooltip: the whole value (a time with its date, seconds and year). */
function cellTitle(value: unknown, text: string, column: IListColumn): string {
  return column.kind === 'time' && value ? formatTime(String(value)) : text;
}

/** "+0.012 (+1.3%)": a difference to the baseline, signed. */
export function differenceText(diff: IDifference): string {
  const sign = (n: number) => (n > 0 ? '+' : n < 0 ? '−' : '±');
  const absolute = `${sign(diff.absolute)}${formatNumber(Math.abs(diff.absolute))}`;
  if (diff.percent === null) {
    return absolute;
  }
  const percent = Math.abs(diff.percent);
  return `${absolute} (${sign(diff.percent)}${percent.toLocaleString('en-US', {
    maximumFractionDigits: percent < 100 ? 1 : 0
  })}%)`;
}

/** The class of a difference: better, worse, or neither. */
function differenceClass(diff: IDifference): string {
  return diff.better === true
    ? 'smx-mod-better'
    : diff.better === false
      ? 'smx-mod-worse'
      : 'smx-mod-neutral';
}

/** A popup menu (of a row, of a header): closes on Escape, a click outside, or a choice. */
function PopupMenu(props: {
  label: string;
  position: { left: number; top: number };
  items: { label: string; checked?: boolean; onSelect: () => void }[];
  onClose: () => void;
}): JSX.Element {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    (ref.current?.querySelector('[role^="menuitem"]') as HTMLElement)?.focus();
    const close = (event: MouseEvent) => {
      if (!ref.current?.contains(event.target as Node)) {
        props.onClose();
      }
    };
    document.addEventListener('mousedown', close, true);
    return () => document.removeEventListener('mousedown', close, true);
  }, []);
  const move = (event: React.KeyboardEvent, step: number) => {
    const items = [
      ...(ref.current?.querySelectorAll('[role^="menuitem"]') ?? [])
    ] as HTMLElement[];
    const at = items.indexOf(document.activeElement as HTMLElement);
    items[(at + step + items.length) % items.length]?.focus();
    event.preventDefault();
  };
  return (
    <div
      ref={ref}
      className="smx-CompareList-popover smx-CompareList-menu"
      role="menu"
      aria-label={props.label}
      style={{ position: 'fixed', ...props.position }}
      onKeyDown={event => {
        if (event.key === 'Escape') {
          event.preventDefault();
          event.stopPropagation();
          props.onClose();
        } else if (event.key === 'ArrowDown') {
          move(event, 1);
        } else if (event.key === 'ArrowUp') {
          move(event, -1);
        }
      }}
    >
      {props.items.map(item => (
        <button
          key={item.label}
          role={item.checked === undefined ? 'menuitem' : 'menuitemradio'}
          aria-checked={item.checked}
          className="smx-CompareList-menuItem"
          onClick={() => {
            item.onSelect();
            props.onClose();
          }}
        >
          {item.checked !== undefined && (
            <span aria-hidden="true" className="smx-CompareList-menuCheck">
              {item.checked ? '✓' : ''}
            </span>
          )}
          {item.label}
        </button>
      ))}
    </div>
  );
}

function directionLabel(direction: Direction, trans: TranslationBundle) {
  switch (direction) {
    case 'higher':
      return trans.__('Higher is better');
    case 'lower':
      return trans.__('Lower is better');
    case 'none':
      return trans.__('No direction');
  }
}

function HeaderCell(props: {
  model: TrialComponentListModel;
  column: IListColumn;
  style: React.CSSProperties;
  trans: TranslationBundle;
  className?: string;
}): JSX.Element {
  const { model, column, trans } = props;
  const [menu, setMenu] = useState<{ left: number; top: number } | null>(null);
  const sort = model.sort?.columnId === column.id ? model.sort.order : null;
  const label =
    column.id === GROUP_COUNT_COLUMN
      ? trans.__('Count')
      : column.kind === 'display_name' && model.grouped
        ? trans.__('Group')
        : columnTitle(column, model.label(column), trans);
  const sortable = model.sortable(column);
  const metric = column.metric;
  return (
    <div
      role="columnheader"
      aria-sort={
        sort === 'Ascending'
          ? 'ascending'
          : sort === 'Descending'
            ? 'descending'
            : 'none'
      }
      className={`smx-CompareList-headerCell ${props.className ?? ''}`}
      style={props.style}
      data-column={column.id}
    >
      <button
        className="smx-CompareList-sortButton"
        aria-label={label}
        title={
          sortable
            ? trans.__('%1: click to sort', label)
            : trans.__('%1: not sortable here', label)
        }
        disabled={!sortable}
        onClick={() => model.toggleSort(column.id)}
      >
        {/* A metric's statistic is in the select beside it; the button names it for readers. */}
        <span className="smx-CompareList-headerLabel">{metric ?? label}</span>
        <span aria-hidden="true">
          {sort === 'Ascending' ? ' ▲' : sort === 'Descending' ? ' ▼' : ''}
        </span>
      </button>
      {metric !== undefined && (
        <>
          <AggregationSelect model={model} column={column} trans={trans} />
          <button
            className="smx-CompareList-headerMenu"
            aria-label={trans.__('Which way %1 is better', metric)}
            aria-haspopup="menu"
            aria-expanded={menu !== null}
            title={directionLabel(model.direction(metric), trans)}
            onClick={event => {
              const box = event.currentTarget.getBoundingClientRect();
              setMenu({ left: box.left, top: box.bottom });
            }}
          >
            <span aria-hidden="true">
              {model.direction(metric) === 'higher'
                ? '↑'
                : model.direction(metric) === 'lower'
                  ? '↓'
                  : '⋯'}
            </span>
          </button>
          {menu && (
            <PopupMenu
              label={trans.__('Which way %1 is better', metric)}
              position={menu}
              onClose={() => setMenu(null)}
              items={(['higher', 'lower', 'none'] as Direction[]).map(
                direction => ({
                  label: directionLabel(direction, trans),
                  checked: model.direction(metric) === direction,
                  onSelect: () => model.setDirection(metric, direction)
                })
              )}
            />
          )}
        </>
      )}
    </div>
  );
}

function Grid(props: {
  model: TrialComponentListModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const count = model.itemCount;
  const columns = model.visibleColumns;
  const [pinned, ...scrolled] = columns;
  const baseline = model.baselineRow;
  const rowHeight = baseline ? DIFF_ROW_HEIGHT : LIST_ROW_HEIGHT;
  // The header, then the baseline's row when one is pinned: both stay on top.
  const top = LIST_ROW_HEIGHT + (baseline ? rowHeight : 0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const gridId = useId();
  const [active, setActive] = useState(0);
  const [menu, setMenu] = useState<{
    row: IListRow;
    left: number;
    top: number;
  } | null>(null);
  const rowVirtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 8
  });
  const columnVirtualizer = useVirtualizer({
    horizontal: true,
    count: scrolled.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: index => columnWidth(scrolled[index]),
    overscan: 3
  });
  // Widths are per column: hiding or showing one moves every width after it.
  const columnKey = scrolled.map(column => column.id).join('\n');
  useLayoutEffect(() => columnVirtualizer.measure(), [columnKey]);
  useLayoutEffect(() => rowVirtualizer.measure(), [rowHeight]);
  const virtualRows = rowVirtualizer.getVirtualItems();
  const firstShown = virtualRows[0]?.index ?? 0;
  const lastShown = virtualRows[virtualRows.length - 1]?.index ?? 0;
  // Every render: the pages of what shows, and one ahead (a no-op when they are loaded).
  useEffect(() => {
    if (count > 0) {
      model.show(firstShown, lastShown);
    }
  });
  const virtualColumns = columnVirtualizer.getVirtualItems();
  const width = PINNED_COLUMN_WIDTH + columnVirtualizer.getTotalSize();
  const height = top + rowVirtualizer.getTotalSize();
  const cellStyle = (start: number, size: number): React.CSSProperties => ({
    position: 'absolute',
    left: PINNED_COLUMN_WIDTH + start,
    width: size
  });
  const cells = virtualColumns.map(column => ({
    column: scrolled[column.index],
    style: cellStyle(column.start, column.size)
  }));
  const activeIndex = Math.min(active, Math.max(0, count - 1));
  const rowId = (index: number) => `${gridId}-row-${index}`;
  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(count - 1, index));
    setActive(next);
    rowVirtualizer.scrollToIndex(next, { align: 'auto' });
  };
  const openMenu = (row: IListRow, left: number, top: number) =>
    setMenu({ row, left, top });
  const onKeyDown = (event: React.KeyboardEvent<HTMLDivElement>) => {
    if (event.target !== scrollRef.current || count === 0) {
      return;
    }
    const page = Math.max(1, virtualRows.length - 2);
    const item = model.itemAt(activeIndex);
    switch (event.key) {
      case 'ArrowDown':
        moveTo(activeIndex + 1);
        break;
      case 'ArrowUp':
        moveTo(activeIndex - 1);
        break;
      case 'PageDown':
        moveTo(activeIndex + page);
        break;
      case 'PageUp':
        moveTo(activeIndex - page);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(count - 1);
        break;
      case 'Enter':
      case ' ':
      case 'ArrowRight':
      case 'ArrowLeft':
        if (item.kind === 'group' && item.group) {
          const wanted = event.key === 'ArrowRight' ? true : undefined;
          const closing = event.key === 'ArrowLeft' ? false : undefined;
          const target = wanted ?? closing;
          if (target === undefined || target !== item.expanded) {
            model.toggleGroup(item.index);
          }
          break;
        }
        return;
      case 'ContextMenu':
      case 'F10':
        if (event.key === 'F10' && !event.shiftKey) {
          return;
        }
        if (item.kind === 'row' && item.row) {
          const box = document
            .getElementById(rowId(activeIndex))
            ?.getBoundingClientRect();
          openMenu(item.row, box?.left ?? 0, box?.bottom ?? 0);
          break;
        }
        return;
      default:
        return;
    }
    event.preventDefault();
  };
  const rowProps = {
    model,
    trans,
    pinned,
    cells,
    width,
    height: rowHeight,
    onMenu: openMenu
  };
  return (
    <div
      ref={scrollRef}
      className="smx-CompareList-grid"
      role="grid"
      aria-rowcount={count + 1 + (baseline ? 1 : 0)}
      aria-colcount={columns.length}
      aria-activedescendant={count ? rowId(activeIndex) : undefined}
      aria-busy={model.loading}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div style={{ width, height, position: 'relative' }}>
        <div
          className="smx-CompareList-header"
          role="row"
          style={{ width, height: LIST_ROW_HEIGHT }}
        >
          {pinned && (
            <HeaderCell
              model={model}
              column={pinned}
              className="smx-mod-pinned"
              style={{ width: PINNED_COLUMN_WIDTH }}
              trans={trans}
            />
          )}
          {virtualColumns.map(item => (
            <HeaderCell
              key={scrolled[item.index].id}
              model={model}
              column={scrolled[item.index]}
              style={cellStyle(item.start, item.size)}
              trans={trans}
            />
          ))}
        </div>
        {baseline && (
          <GridRow
            {...rowProps}
            id={`${gridId}-baseline`}
            row={baseline}
            ariaIndex={2}
            top={LIST_ROW_HEIGHT}
            isBaseline
            active={false}
          />
        )}
        {count === 0 && !model.loading && (
          <div className="smx-CompareList-empty" style={{ top, width: '100%' }}>
            {model.query
              ? trans.__('No trial component matches the query.')
              : trans.__('No trial components to list.')}
          </div>
        )}
        {virtualRows.map(virtual => {
          const item = model.itemAt(virtual.index);
          const common = {
            ...rowProps,
            id: rowId(virtual.index),
            ariaIndex: virtual.index + (baseline ? 3 : 2),
            top: top + virtual.start,
            active: virtual.index === activeIndex
          };
          if (item.kind === 'group') {
            return (
              <GroupRow
                key={`g${virtual.index}`}
                {...common}
                item={item}
                onToggle={() => {
                  setActive(virtual.index);
                  model.toggleGroup(item.index);
                }}
              />
            );
          }
          return (
            <GridRow
              key={
                item.row
                  ? `r${item.group ?? ''}${item.row.name}`
                  : `p${virtual.index}`
              }
              {...common}
              row={item.row}
              member={item.group !== undefined}
            />
          );
        })}
      </div>
      {menu && (
        <PopupMenu
          label={trans.__('Actions of %1', menu.row.name)}
          position={{ left: menu.left, top: menu.top }}
          onClose={() => {
            setMenu(null);
            scrollRef.current?.focus();
          }}
          items={
            model.baseline === menu.row.name
              ? [
                  {
                    label: trans.__('Unpin baseline'),
                    onSelect: () => model.unpin()
                  }
                ]
              : [
                  {
                    label: trans.__('Pin as baseline'),
                    onSelect: () => model.pin(menu.row.name)
                  },
                  ...(model.baseline
                    ? [
                        {
                          label: trans.__('Unpin baseline'),
                          onSelect: () => model.unpin()
                        }
                      ]
                    : [])
                ]
          }
        />
      )}
    </div>
  );
}

interface IRowProps {
  model: TrialComponentListModel;
  trans: TranslationBundle;
  id: string;
  ariaIndex: number;
  top: number;
  width: number;
  height: number;
  active: boolean;
  pinned: IListColumn | undefined;
  cells: { column: IListColumn; style: React.CSSProperties }[];
  onMenu: (row: IListRow, left: number, top: number) => void;
}

function GridRow(
  props: IRowProps & {
    row: IListRow | undefined;
    isBaseline?: boolean;
    member?: boolean;
  }
): JSX.Element {
  const { model, row, pinned, trans } = props;
  const className = [
    'smx-CompareList-row',
    props.height > LIST_ROW_HEIGHT ? 'smx-mod-tall' : '',
    props.isBaseline ? 'smx-mod-baseline' : '',
    props.member ? 'smx-mod-member' : '',
    props.active ? 'smx-mod-active' : '',
    row ? '' : 'smx-mod-placeholder'
  ]
    .filter(Boolean)
    .join(' ');
  const style = {
    top: props.top,
    width: props.width,
    height: props.height
  };
  if (!row) {
    return (
      <LoadingRow
        id={props.id}
        className={className}
        ariaIndex={props.ariaIndex}
        style={style}
        label={trans.__('Loading…')}
      />
    );
  }
  const isBaseline = props.isBaseline || model.baseline === row.name;
  return (
    <div
      id={props.id}
      className={className}
      role="row"
      aria-rowindex={props.ariaIndex}
      data-name={row.name}
      style={style}
      onContextMenu={event => {
        // Shift+right-click keeps the browser's own menu, as in JupyterLab.
        if (event.shiftKey) {
          return;
        }
        event.preventDefault();
        event.stopPropagation();
        props.onMenu(row, event.clientX, event.clientY);
      }}
    >
      {pinned && (
        <div
          role="rowheader"
          className="smx-CompareList-cell smx-mod-pinned"
          style={{ width: PINNED_COLUMN_WIDTH }}
          title={row.name}
        >
          <button
            className={`smx-CompareList-pin${isBaseline ? ' smx-mod-pinnedBaseline' : ''}`}
            aria-pressed={isBaseline}
            aria-label={
              isBaseline
                ? trans.__('Unpin %1 as baseline', row.name)
                : trans.__('Pin %1 as baseline', row.name)
            }
            title={
              isBaseline
                ? trans.__('Unpin baseline')
                : trans.__('Pin as baseline')
            }
            tabIndex={props.active || props.isBaseline ? 0 : -1}
            onClick={() => (isBaseline ? model.unpin() : model.pin(row.name))}
          >
            <span aria-hidden="true">{isBaseline ? '◉' : '○'}</span>
          </button>
          <span className="smx-CompareList-cellText">
            {cellText(model.value(row, pinned), pinned)}
          </span>
          {props.isBaseline && (
            <span className="smx-CompareList-baselineBadge">
              {trans.__('Baseline')}
            </span>
          )}
        </div>
      )}
      {props.cells.map(({ column, style }) => {
        if (column.id === GROUP_COUNT_COLUMN) {
          return (
            <div
              key={column.id}
              role="gridcell"
              className="smx-CompareList-cell"
              style={style}
            />
          );
        }
        const value = model.value(row, column);
        const text = cellText(value, column);
        const diff = props.isBaseline ? null : model.difference(row, column);
        return (
          <div
            key={column.id}
            role="gridcell"
            className={`smx-CompareList-cell${typeof value === 'number' ? ' smx-u-number' : ''}${diff ? ' smx-mod-diff' : ''}`}
            style={style}
            data-column={column.id}
            title={cellTitle(value, text, column)}
          >
            {diff ? (
              <>
                <span className="smx-CompareList-cellText">{text}</span>
                <span
                  className={`smx-CompareList-difference ${differenceClass(diff)}`}
                  data-better={
                    diff.better === null ? undefined : String(diff.better)
                  }
                >
                  {differenceText(diff)}
                </span>
              </>
            ) : (
              text
            )}
          </div>
        );
      })}
    </div>
  );
}

/** "0.91 ± 0.012" or "0.89 – 0.93": a group's statistic of a metric column. */
function bandText(
  statistics: ReturnType<TrialComponentListModel['groupStatistics']>,
  band: 'std' | 'minmax'
): string {
  if (!statistics) {
    return '';
  }
  if (band === 'minmax') {
    return `${formatNumber(statistics.min)} – ${formatNumber(statistics.max)}`;
  }
  return statistics.std === null
    ? formatNumber(statistics.mean)
    : `${formatNumber(statistics.mean)} ± ${formatNumber(statistics.std)}`;
}

function GroupRow(
  props: IRowProps & {
    item: Extract<ListItem, { kind: 'group' }>;
    onToggle: () => void;
  }
): JSX.Element {
  const { model, trans, item } = props;
  const group: ITableGroup | undefined = item.group;
  const style = { top: props.top, width: props.width, height: props.height };
  const className = [
    'smx-CompareList-row',
    'smx-mod-group',
    props.active ? 'smx-mod-active' : '',
    group ? '' : 'smx-mod-placeholder'
  ]
    .filter(Boolean)
    .join(' ');
  if (!group) {
    return (
      <LoadingRow
        id={props.id}
        className={className}
        ariaIndex={props.ariaIndex}
        style={style}
        label={trans.__('Loading…')}
      />
    );
  }
  const key = keyText(model.groupBy, group.key, trans);
  return (
    <div
      id={props.id}
      className={className}
      role="row"
      aria-rowindex={props.ariaIndex}
      aria-expanded={item.expanded}
      data-group={JSON.stringify(group.key)}
      style={style}
    >
      <div
        role="rowheader"
        className="smx-CompareList-cell smx-mod-pinned"
        style={{ width: PINNED_COLUMN_WIDTH }}
        title={key}
      >
        <button
          className="smx-CompareList-expand"
          aria-expanded={item.expanded}
          aria-label={
            item.expanded
              ? trans.__('Hide the members of %1', key)
              : trans.__('Show the members of %1', key)
          }
          tabIndex={props.active ? 0 : -1}
          onClick={props.onToggle}
        >
          <span aria-hidden="true">{item.expanded ? '▾' : '▸'}</span>
        </button>
        <span className="smx-CompareList-cellText">{key}</span>
      </div>
      {props.cells.map(({ column, style: cellStyle }) => {
        let text = '';
        if (column.id === GROUP_COUNT_COLUMN) {
          text = String(group.count);
        } else if (column.metric !== undefined) {
          text = bandText(model.groupStatistics(group, column), model.band);
        } else {
          const value = model.groupValue(group, column);
          text = value === undefined ? '' : cellText(value, column);
        }
        return (
          <div
            key={column.id}
            role="gridcell"
            className={`smx-CompareList-cell${column.metric !== undefined || column.id === GROUP_COUNT_COLUMN ? ' smx-u-number' : ''}`}
            style={cellStyle}
            data-column={column.id}
            title={text}
          >
            {text}
          </div>
        );
      })}
    </div>
  );
}

/** A row whose page is still on its way: its place in the grid, busy, saying so. */
function LoadingRow(props: {
  id: string;
  className: string;
  ariaIndex: number;
  style: React.CSSProperties;
  label: string;
}): JSX.Element {
  return (
    <div
      id={props.id}
      className={props.className}
      role="row"
      aria-rowindex={props.ariaIndex}
      aria-busy="true"
      style={props.style}
    >
      <div
        role="rowheader"
        className="smx-CompareList-cell smx-mod-pinned"
        style={{ width: PINNED_COLUMN_WIDTH }}
      >
        {props.label}
      </div>
    </div>
  );
}
