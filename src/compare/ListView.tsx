/**
 * The trial component list: a toolbar (query, differing parameters, exports, Add chart), the
 * Table properties pane and a grid virtualized both ways, with the name column pinned left.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import React, { useEffect, useReducer, useRef, useState } from 'react';
import { ITable, SummaryStatistic } from '../api';
import { formatNumber } from '../format';
import { CATEGORIES, IListColumn, statisticsOf } from './columns';
import { IListRow, TrialComponentListModel } from './listModel';

export const LIST_ROW_HEIGHT = 28;
export const LIST_COLUMN_WIDTH = 170;
export const PINNED_COLUMN_WIDTH = 240;

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
}

/** Re-renders whenever the model changes. */
function useModel(model: TrialComponentListModel): void {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    model.changed.connect(bump);
    return () => {
      model.changed.disconnect(bump);
    };
  }, [model]);
}

export function ListView(props: IListViewProps): JSX.Element {
  const { model } = props;
  useModel(model);
  const [showProperties, setShowProperties] = useState(false);
  return (
    <div className="smx-CompareList">
      <ListToolbar
        {...props}
        showProperties={showProperties}
        onToggleProperties={() => setShowProperties(!showProperties)}
      />
      <div className="smx-CompareList-body">
        <Grid model={model} />
        {showProperties && <TableProperties model={model} />}
      </div>
    </div>
  );
}

function ListToolbar(
  props: IListViewProps & {
    showProperties: boolean;
    onToggleProperties: () => void;
  }
): JSX.Element {
  const { model, filter } = props;
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
          placeholder="Filter with a query, e.g. metrics.test:accuracy.max > 0.9"
          aria-label="Filter rows with a query"
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
          Filter
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
        Show only differing parameters
      </label>
      <span className="smx-CompareList-count" aria-live="polite">
        {countText(model)}
      </span>
      <span className="smx-CompareList-actions">
        <button
          className="jp-mod-styled"
          aria-pressed={props.showProperties}
          onClick={props.onToggleProperties}
        >
          Table properties
        </button>
        <button className="jp-mod-styled" onClick={props.onExportCsv}>
          Export CSV
        </button>
        <button className="jp-mod-styled" onClick={props.onCopyCode}>
          Copy as notebook code
        </button>
        <button
          className="jp-mod-styled jp-mod-accept"
          onClick={props.onAddChart}
        >
          Add chart
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
 * the cap cut has no total, only more components than its rows.
 */
function countText(model: TrialComponentListModel): string {
  const all = countOf(model.selectionTable);
  const shown = countOf(model.table);
  const count =
    shown !== all
      ? `${shown} of ${all} trial components`
      : `${all} trial components`;
  return model.table.truncated
    ? `${count} (the first ${model.table.rows.length} listed)`
    : count;
}

function countOf(table: ITable): string {
  return table.total === null
    ? `more than ${table.rows.length}`
    : String(table.total);
}

function AggregationSelect(props: {
  model: TrialComponentListModel;
  column: IListColumn;
}): JSX.Element {
  const { model, column } = props;
  const metric = column.metric as string;
  return (
    <select
      className="smx-CompareList-aggregation"
      aria-label={`Data aggregation of ${metric}`}
      value={model.aggregation(metric)}
      onChange={event =>
        model.setAggregation(metric, event.target.value as SummaryStatistic)
      }
    >
      {statisticsOf(column).map(statistic => (
        <option key={statistic} value={statistic}>
          {statistic}
        </option>
      ))}
    </select>
  );
}

/** The "Table properties" pane: categories, columns one by one, metric aggregations. */
function TableProperties(props: {
  model: TrialComponentListModel;
}): JSX.Element {
  const { model } = props;
  return (
    <aside className="smx-CompareList-properties" aria-label="Table properties">
      <h3 className="smx-Details-sectionTitle">Table properties</h3>
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
                {category}
              </label>
            </legend>
            {!hidden &&
              columns.map(column => (
                <div key={column.id} className="smx-CompareList-columnChoice">
                  <label title={column.label}>
                    <input
                      type="checkbox"
                      checked={!model.isColumnHidden(column.id)}
                      // The pinned name column always shows.
                      disabled={column.kind === 'display_name'}
                      onChange={event =>
                        model.setColumnHidden(column.id, !event.target.checked)
                      }
                    />
                    {column.label}
                  </label>
                  {column.metric !== undefined && (
                    <AggregationSelect model={model} column={column} />
                  )}
                </div>
              ))}
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
    const date = new Date(String(value));
    return isNaN(date.getTime()) ? String(value) : date.toLocaleString();
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function HeaderCell(props: {
  model: TrialComponentListModel;
  column: IListColumn;
  style: React.CSSProperties;
  className?: string;
}): JSX.Element {
  const { model, column } = props;
  const sort = model.sort?.columnId === column.id ? model.sort.order : null;
  const label = model.label(column);
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
        title={`${label}: click to sort`}
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
        <AggregationSelect model={model} column={column} />
      )}
    </div>
  );
}

function Grid(props: { model: TrialComponentListModel }): JSX.Element {
  const { model } = props;
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
    estimateSize: () => LIST_COLUMN_WIDTH,
    overscan: 3
  });
  const virtualColumns = columnVirtualizer.getVirtualItems();
  const width = PINNED_COLUMN_WIDTH + columnVirtualizer.getTotalSize();
  const height = LIST_ROW_HEIGHT + rowVirtualizer.getTotalSize();
  const cellStyle = (start: number): React.CSSProperties => ({
    position: 'absolute',
    left: PINNED_COLUMN_WIDTH + start,
    width: LIST_COLUMN_WIDTH
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
            />
          )}
          {virtualColumns.map(item => (
            <HeaderCell
              key={scrolled[item.index].id}
              model={model}
              column={scrolled[item.index]}
              style={cellStyle(item.start)}
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
              style: cellStyle(column.start)
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
            title={text}
          >
            {text}
          </div>
        );
      })}
    </div>
  );
}
