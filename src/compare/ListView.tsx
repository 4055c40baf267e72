/**
 * The trial component list: a toolbar (query, differing parameters, exports, Add chart), the
 * Table properties pane and a grid virtualized both ways, with the name column pinned left.
 * It renders again on every change of its model (`UseSignal`).
 */
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import { UseSignal } from '@jupyterlab/ui-components';
import { useVirtualizer } from '@tanstack/react-virtual';
import React, { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { ITable, SummaryStatistic } from '../api';
import {
  formatCompactTime,
  formatNumber,
  formatTime,
  statisticLabel
} from '../format';
import {
  CATEGORIES,
  categoryLabel,
  columnTitle,
  IListColumn,
  statisticsOf
} from './columns';
import { IListRow, TrialComponentListModel } from './listModel';

export const LIST_ROW_HEIGHT = 28;
export const LIST_COLUMN_WIDTH = 170;
export const PINNED_COLUMN_WIDTH = 240;

/**
 * A column's width: names, status and times compact (a time in few characters; every cell whole
 * on hover), a metric wide enough for its aggregation beside its name.
 */
export function columnWidth(column: IListColumn): number {
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
  /**
   * The server's table of the list's selection narrowed by a typed query, or throws an error whose
   * message is shown.
   */
  filter: (query: string) => Promise<ITable>;
  onExportCsv: () => void;
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
            <Grid model={model} trans={trans} />
            {showProperties && <TableProperties model={model} trans={trans} />}
          </div>
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
  const { model, filter, trans } = props;
  const [text, setText] = useState(model.query);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Only the answer to the latest filter (or clearing it) applies.
  const latest = useRef(0);
  const clear = () => {
    latest.current++;
    model.setFilter('', null);
    setError(null);
    setBusy(false);
  };
  const apply = async () => {
    const query = text.trim();
    if (!query) {
      clear();
      return;
    }
    const attempt = ++latest.current;
    setBusy(true);
    try {
      const table = await filter(query);
      if (attempt === latest.current) {
        model.setFilter(query, table);
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
          void apply();
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
              clear();
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
      <span className="smx-CompareList-count" aria-live="polite">
        {countText(model, trans)}
      </span>
      <span className="smx-CompareList-actions">
        <button
          className="jp-mod-styled"
          aria-pressed={props.showProperties}
          onClick={props.onToggleProperties}
        >
          {trans.__('Table properties')}
        </button>
        <button className="jp-mod-styled" onClick={props.onExportCsv}>
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
 * "3 trial components", "1 of 3 trial components", and what the server's cap left out: a table
 * the cap cut has no total, only more components than its rows. Whole sentences, plural by the
 * selection's count, so that translations can order their words.
 */
function countText(
  model: TrialComponentListModel,
  trans: TranslationBundle
): string {
  const selection = model.selectionTable;
  const table = model.table;
  const all = selection.total ?? selection.rows.length;
  const capped = selection.total === null;
  const shown = countOf(table, trans);
  let count: string;
  if (shown === countOf(selection, trans)) {
    count = capped
      ? trans._n(
          'more than %1 trial component',
          'more than %1 trial components',
          all
        )
      : trans._n('%1 trial component', '%1 trial components', all);
  } else {
    count = capped
      ? trans._n(
          '%2 of more than %1 trial component',
          '%2 of more than %1 trial components',
          all,
          shown
        )
      : trans._n(
          '%2 of %1 trial component',
          '%2 of %1 trial components',
          all,
          shown
        );
  }
  return table.truncated
    ? trans.__('%1 (the first %2 listed)', count, table.rows.length)
    : count;
}

/** A table's count of components: its total, or more than its rows when the cap cut it. */
function countOf(table: ITable, trans: TranslationBundle): string {
  return table.total === null
    ? trans.__('more than %1', table.rows.length)
    : String(table.total);
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

function HeaderCell(props: {
  model: TrialComponentListModel;
  column: IListColumn;
  style: React.CSSProperties;
  trans: TranslationBundle;
  className?: string;
}): JSX.Element {
  const { model, column, trans } = props;
  const sort = model.sort?.columnId === column.id ? model.sort.order : null;
  const label = columnTitle(column, model.label(column), trans);
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
        title={trans.__('%1: click to sort', label)}
        onClick={() => model.toggleSort(column.id)}
      >
        {/* A metric's statistic is in the select beside it; the button names it for readers. */}
        <span className="smx-CompareList-headerLabel">
          {column.metric ?? label}
        </span>
        <span aria-hidden="true">
          {sort === 'Ascending' ? ' ▲' : sort === 'Descending' ? ' ▼' : ''}
        </span>
      </button>
      {column.metric !== undefined && (
        <AggregationSelect model={model} column={column} trans={trans} />
      )}
    </div>
  );
}

function Grid(props: {
  model: TrialComponentListModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const rows = model.rows;
  const columns = model.visibleColumns;
  const [pinned, ...scrolled] = columns;
  const scrollRef = useRef<HTMLDivElement>(null);
  const rowVirtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => LIST_ROW_HEIGHT,
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
  const virtualColumns = columnVirtualizer.getVirtualItems();
  const width = PINNED_COLUMN_WIDTH + columnVirtualizer.getTotalSize();
  const height = LIST_ROW_HEIGHT + rowVirtualizer.getTotalSize();
  const cellStyle = (start: number, size: number): React.CSSProperties => ({
    position: 'absolute',
    left: PINNED_COLUMN_WIDTH + start,
    width: size
  });
  return (
    <div
      ref={scrollRef}
      className="smx-CompareList-grid"
      role="grid"
      aria-rowcount={rows.length + 1}
      aria-colcount={columns.length}
      tabIndex={0}
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
        {rowVirtualizer.getVirtualItems().map(item => (
          <GridRow
            key={rows[item.index].name}
            model={model}
            row={rows[item.index]}
            index={item.index}
            top={LIST_ROW_HEIGHT + item.start}
            width={width}
            pinned={pinned}
            cells={virtualColumns.map(column => ({
              column: scrolled[column.index],
              style: cellStyle(column.start, column.size)
            }))}
          />
        ))}
      </div>
    </div>
  );
}

function GridRow(props: {
  model: TrialComponentListModel;
  row: IListRow;
  index: number;
  top: number;
  width: number;
  pinned: IListColumn | undefined;
  cells: { column: IListColumn; style: React.CSSProperties }[];
}): JSX.Element {
  const { model, row, pinned } = props;
  return (
    <div
      className="smx-CompareList-row"
      role="row"
      aria-rowindex={props.index + 2}
      data-name={row.name}
      style={{ top: props.top, width: props.width, height: LIST_ROW_HEIGHT }}
    >
      {pinned && (
        <div
          role="rowheader"
          className="smx-CompareList-cell smx-mod-pinned"
          style={{ width: PINNED_COLUMN_WIDTH }}
          title={row.name}
        >
          {cellText(model.value(row, pinned), pinned)}
        </div>
      )}
      {props.cells.map(({ column, style }) => {
        const value = model.value(row, column);
        const text = cellText(value, column);
        return (
          <div
            key={column.id}
            role="gridcell"
            className={`smx-CompareList-cell${typeof value === 'number' ? ' smx-u-number' : ''}`}
            style={style}
            data-column={column.id}
            title={cellTitle(value, text, column)}
          >
            {text}
          </div>
        );
      })}
    </div>
  );
}
