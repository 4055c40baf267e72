/**
 * The sidebar's table: sortable column headers and virtualized rows (only the rows in view, plus a
 * few, are in the DOM), with file-browser-like selection by mouse and keyboard.
 */
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import { useVirtualizer } from '@tanstack/react-virtual';
import React, {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState
} from 'react';
import { SortOrder } from '../api';
import { SelectionModel } from '../model';
import { columnsFor, ellipsisParts, IColumn, IRow } from './columns';
import { StatusBadge } from '../StatusBadge';

/** Row height in pixels; fixed so the scroll height is known before rows load. */
export const ROW_HEIGHT = 28;

export interface ISort {
  key: string;
  order: SortOrder;
}

export interface ITableProps {
  columns: IColumn[];
  /** Number of rows the listing has (loaded or not). */
  count: number;
  rowAt: (index: number) => IRow | undefined;
  selection: SelectionModel;
  sort: ISort;
  onSort: (sort: ISort) => void;
  /** The table scrolled to show rows up to this index: load them. */
  onVisible: (lastIndex: number) => void;
  /** Double-click or Enter on a row. */
  onOpen: (row: IRow) => void;
  /** Backspace: up one level. */
  onUp: () => void;
  /** The grid's accessible name (the breadcrumb's text). */
  label: string;
  translator?: ITranslator;
}

export function Table(props: ITableProps): JSX.Element {
  const {
    columns: allColumns,
    count,
    rowAt,
    selection,
    sort,
    onSort,
    onVisible,
    onOpen,
    onUp,
    label,
    translator
  } = props;
  const trans = useMemo(
    () => (translator ?? nullTranslator).load('smx_lab'),
    [translator]
  );
  const scrollRef = useRef<HTMLDivElement>(null);
  const width = useWidth(scrollRef);
  const columns = columnsFor(allColumns, width);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1].index : -1;
  useEffect(() => {
    if (lastIndex >= 0) {
      onVisible(lastIndex);
    }
  }, [lastIndex, onVisible]);

  const template = columns.map(column => column.width).join(' ');

  const onKeyDown = useCallback(
    (event: React.KeyboardEvent) => {
      const step = (delta: number) => {
        event.preventDefault();
        selection.move(delta, count, rowAt, event.shiftKey);
        if (selection.focus >= 0) {
          virtualizer.scrollToIndex(selection.focus);
          onVisible(selection.focus);
        }
      };
      switch (event.key) {
        case 'ArrowDown':
          step(1);
          break;
        case 'ArrowUp':
          step(-1);
          break;
        case 'PageDown':
          step(Math.max(1, items.length - 2));
          break;
        case 'PageUp':
          step(-Math.max(1, items.length - 2));
          break;
        case 'Home':
          step(-count);
          break;
        case 'End':
          step(count);
          break;
        case 'Enter': {
          const row = rowAt(selection.focus);
          if (row) {
            event.preventDefault();
            onOpen(row);
          }
          break;
        }
        case 'Backspace':
          event.preventDefault();
          onUp();
          break;
      }
    },
    [
      selection,
      count,
      rowAt,
      virtualizer,
      onVisible,
      onOpen,
      onUp,
      items.length
    ]
  );

  return (
    <div
      className="smx-Table"
      role="grid"
      aria-label={label}
      aria-rowcount={count}
    >
      <div
        className="smx-Table-header"
        role="row"
        style={{ gridTemplateColumns: template }}
      >
        {columns.map(column => (
          <HeaderCell
            key={column.id}
            column={column}
            sort={sort}
            onSort={onSort}
            trans={trans}
          />
        ))}
      </div>
      <div
        className="smx-Table-body"
        ref={scrollRef}
        tabIndex={0}
        onKeyDown={onKeyDown}
        data-testid="smx-table-body"
      >
        <div
          className="smx-Table-spacer"
          style={{ height: `${virtualizer.getTotalSize()}px` }}
        >
          {items.map(item => {
            const row = rowAt(item.index);
            return (
              <Row
                key={item.key}
                index={item.index}
                top={item.start}
                row={row}
                columns={columns}
                template={template}
                selection={selection}
                onOpen={onOpen}
                rowAt={rowAt}
                translator={translator}
                trans={trans}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

function HeaderCell(props: {
  column: IColumn;
  sort: ISort;
  onSort: (sort: ISort) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { column, sort, onSort, trans } = props;
  const active = column.sort !== undefined && column.sort === sort.key;
  const ariaSort = active
    ? sort.order === 'Ascending'
      ? 'ascending'
      : 'descending'
    : 'none';
  if (!column.sort) {
    return (
      <div
        className="smx-Table-headerCell"
        role="columnheader"
        title={column.title}
      >
        {column.title}
      </div>
    );
  }
  const key = column.sort;
  return (
    <div
      className={`smx-Table-headerCell smx-mod-sortable${active ? ' smx-mod-active' : ''}`}
      role="columnheader"
      aria-sort={ariaSort}
    >
      <button
        className="smx-Table-sortButton"
        title={trans.__('Sort by %1', column.title)}
        onClick={() =>
          onSort({
            key,
            order:
              active && sort.order === 'Descending' ? 'Ascending' : 'Descending'
          })
        }
      >
        <span>{column.title}</span>
        <span className="smx-Table-sortIndicator" aria-hidden="true">
          {active ? (sort.order === 'Ascending' ? '▲' : '▼') : ''}
        </span>
      </button>
    </div>
  );
}

interface IRowProps {
  index: number;
  top: number;
  row: IRow | undefined;
  columns: IColumn[];
  template: string;
  selection: SelectionModel;
  rowAt: (index: number) => IRow | undefined;
  onOpen: (row: IRow) => void;
  translator?: ITranslator;
  trans: TranslationBundle;
}

function Row(props: IRowProps): JSX.Element {
  const {
    index,
    top,
    row,
    columns,
    template,
    selection,
    rowAt,
    onOpen,
    translator,
    trans
  } = props;
  const style: React.CSSProperties = {
    transform: `translateY(${top}px)`,
    height: `${ROW_HEIGHT}px`,
    gridTemplateColumns: template
  };
  if (!row) {
    return (
      <div
        className="smx-Table-row smx-mod-placeholder"
        role="row"
        aria-rowindex={index + 1}
        style={style}
      >
        <div className="smx-Table-cell" role="gridcell">
          <span className="smx-Table-placeholderText">
            {trans.__('Loading…')}
          </span>
        </div>
      </div>
    );
  }
  const selected = selection.isSelected(row.name);
  const focused = selection.focus === index;
  const classes = ['smx-Table-row'];
  if (selected) {
    classes.push('jp-mod-selected');
  }
  if (focused) {
    classes.push('smx-mod-focused');
  }
  return (
    <div
      className={classes.join(' ')}
      role="row"
      aria-rowindex={index + 1}
      aria-selected={selected}
      data-name={row.name}
      data-kind={row.kind}
      data-experiment={row.experiment}
      style={style}
      onMouseDown={event => {
        if (event.shiftKey) {
          // Shift+click selects a range; without this the browser selects the page's text.
          event.preventDefault();
        }
      }}
      onClick={event =>
        selection.click(index, rowAt, {
          toggle: event.ctrlKey || event.metaKey,
          range: event.shiftKey
        })
      }
      onContextMenu={() => {
        // Right-click acts on the selection; a row outside it becomes the selection.
        if (!selected) {
          selection.click(index, rowAt);
        }
      }}
      onDoubleClick={() => onOpen(row)}
    >
      {columns.map(column => (
        <div
          key={column.id}
          className={`smx-Table-cell smx-Table-cell-${column.id}`}
          role="gridcell"
          title={column.tooltip?.(row)}
        >
          {column.id === 'status' && row.status ? (
            <StatusBadge
              status={row.status}
              message={row.statusMessage}
              translator={translator}
            />
          ) : column.middleEllipsis ? (
            <MiddleEllipsis text={column.text(row)} />
          ) : (
            column.text(row)
          )}
        </div>
      ))}
    </div>
  );
}

/**
 * A name that keeps its start and its end when the cell is too narrow: the head is cut with "…",
 * the tail always shows (see `ellipsisParts`); the cell's tooltip has it whole.
 */
function MiddleEllipsis(props: { text: string }): JSX.Element {
  const [head, tail] = ellipsisParts(props.text);
  if (!tail) {
    return <>{head}</>;
  }
  return (
    <span className="smx-MiddleEllipsis">
      <span className="smx-MiddleEllipsis-head">{head}</span>
      <span className="smx-MiddleEllipsis-tail">{tail}</span>
    </span>
  );
}

/** The width of an element as it changes, or null where it cannot be observed. */
function useWidth(ref: React.RefObject<HTMLElement>): number | null {
  const [width, setWidth] = useState<number | null>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === 'undefined') {
      return;
    }
    const observer = new ResizeObserver(entries => {
      const size = entries[0]?.contentRect.width;
      // A hidden panel measures 0: keep the last real width.
      if (size) {
        setWidth(size);
      }
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
