import { ITranslator } from '@jupyterlab/translation';
import {
  act,
  fireEvent,
  render,
  screen,
  waitFor,
  within
} from '@testing-library/react';
import React from 'react';
import { LocationModel, SelectionModel } from '../model';
import { Browser, IBrowserProps, SEARCH_DELAY } from '../sidebar/Browser';
import { ROW_HEIGHT } from '../sidebar/Table';
import { fakeServer, IAnswer, IRecordedRequest, page } from './fakeServer';
import { bracketing } from './translator';

// jsdom does no layout: give the table's scroll area the height a sidebar would have.
const VIEWPORT = 560;
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.classList.contains('smx-Table-body') ? VIEWPORT : 0;
    }
  });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', {
    configurable: true,
    get(this: HTMLElement) {
      return this.classList.contains('smx-Table-body') ? 300 : 0;
    }
  });
});

function experiment(name: string, displayName = name) {
  return {
    ExperimentName: name,
    DisplayName: displayName,
    LastModifiedTime: '2024-05-01T10:00:00+00:00'
  };
}

/** Answers a listing of `items` page by page, with an offset cursor. */
function paged<T>(items: T[], request: IRecordedRequest): IAnswer {
  const start = Number(request.query.get('cursor') ?? 0);
  const limit = Number(request.query.get('limit') ?? 50);
  const end = Math.min(items.length, start + limit);
  return page(
    items.slice(start, end),
    end < items.length ? String(end) : null,
    items.length
  );
}

const TRIALS = [
  {
    TrialName: 'cnn-1',
    DisplayName: 'cnn-1',
    ExperimentName: 'mnist',
    TrialComponentCount: 2
  }
];
const COMPONENTS = [
  {
    TrialComponentName: 'cnn-1-training',
    DisplayName: 'cnn-1-training',
    Status: { PrimaryStatus: 'Completed' },
    Parameters: {},
    InputArtifacts: {},
    OutputArtifacts: {},
    Metrics: [],
    Parents: [{ TrialName: 'cnn-1', ExperimentName: 'mnist' }]
  }
];

/** A small store: experiments, one trial of mnist, one component of that trial. */
function storeRoute(experiments: ReturnType<typeof experiment>[]) {
  return (request: IRecordedRequest): IAnswer => {
    if (request.path === 'info') {
      return { body: { page_size_cap: 500 } };
    }
    if (request.path === 'experiments') {
      const q = request.query.get('q');
      const found = q
        ? experiments.filter(e => e.ExperimentName.includes(q))
        : experiments;
      return paged(found, request);
    }
    if (request.path === 'experiments/mnist/trials') {
      return paged(TRIALS, request);
    }
    if (request.path === 'trials/cnn-1/components') {
      return paged(COMPONENTS, request);
    }
    if (request.path === 'components') {
      return paged([], request);
    }
    return { status: 404, body: { error: 'not_found', message: 'no route' } };
  };
}

function renderBrowser(
  route: (request: IRecordedRequest) => IAnswer | Promise<IAnswer>,
  translator?: ITranslator
) {
  const server = fakeServer(route);
  const location = new LocationModel({ translator });
  const selection = new SelectionModel();
  const opened: string[] = [];
  const props: IBrowserProps = {
    client: server.client,
    location,
    selection,
    pageSize: 100,
    maxPageSize: 500,
    refreshes: 0,
    onOpenComponent: name => opened.push(name),
    translator
  };
  const view = render(<Browser {...props} />);
  /** Asks for a refresh from outside, as the panel does for the Refresh command. */
  const refreshFromOutside = () => {
    props.refreshes = (props.refreshes ?? 0) + 1;
    view.rerender(<Browser {...props} />);
  };
  return { ...server, location, selection, refreshFromOutside, opened, view };
}

const DEMO = ['mnist', 'cifar10', 'fashion-mnist'].map(name =>
  experiment(name)
);

/**
 * Matches the name cell of a row by its whole text: a long name is drawn as a head and a tail
 * (a middle ellipsis), so a name's text is not one text node, and a tail may equal another name.
 */
function named(name: string) {
  return (_: string, element: Element | null): boolean =>
    !!element?.classList.contains('smx-Table-cell-name') &&
    element.textContent === name;
}

function rowNames(): string[] {
  return Array.from(
    document.querySelectorAll<HTMLElement>('.smx-Table-row[data-name]')
  ).map(row => row.dataset.name ?? '');
}

describe('Experiments browser', () => {
  it('lists the experiments of the store at Home', async () => {
    renderBrowser(storeRoute(DEMO));
    expect(await screen.findByText(named('cifar10'))).toBeTruthy();
    expect(rowNames()).toEqual(['mnist', 'cifar10', 'fashion-mnist']);
    expect(screen.getByText('Unassigned trial components')).toBeTruthy();
  });

  it('narrows the experiments as the user types a name', async () => {
    const { requests } = renderBrowser(storeRoute(DEMO));
    await screen.findByText(named('cifar10'));
    fireEvent.change(screen.getByPlaceholderText('Search'), {
      target: { value: 'mnist' }
    });
    await waitFor(() => expect(rowNames()).toEqual(['mnist', 'fashion-mnist']));
    expect(requests.some(r => r.query.get('q') === 'mnist')).toBe(true);
  });

  it('waits for a pause in typing before asking the server', async () => {
    jest.useFakeTimers();
    try {
      const { requests } = renderBrowser(storeRoute(DEMO));
      const box = screen.getByPlaceholderText('Search');
      fireEvent.change(box, { target: { value: 'm' } });
      fireEvent.change(box, { target: { value: 'mn' } });
      fireEvent.change(box, { target: { value: 'mni' } });
      await act(async () => {
        jest.advanceTimersByTime(SEARCH_DELAY + 10);
      });
      const searched = requests
        .filter(r => r.path === 'experiments')
        .map(r => r.query.get('q'));
      expect(searched).not.toContain('m');
      expect(searched).not.toContain('mn');
      expect(searched).toContain('mni');
      // Let the answers arrive inside act, as React wants for state updates.
      await act(async () => {
        await jest.advanceTimersByTimeAsync(100);
      });
    } finally {
      jest.useRealTimers();
    }
  });

  it('explains a bad typed query under the search box, pointing at the position', async () => {
    const text = 'metrics.loss.max >';
    renderBrowser(request => {
      if (request.path === 'experiments' && request.query.get('q') === text) {
        return {
          status: 400,
          body: {
            error: 'invalid_query',
            message: 'expected a number after >',
            position: 18,
            suggestions: ['metrics.loss.Max']
          }
        };
      }
      return storeRoute(DEMO)(request);
    });
    await screen.findByText(named('cifar10'));
    fireEvent.change(screen.getByPlaceholderText('Search'), {
      target: { value: text }
    });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('expected a number after >');
    expect(alert.textContent).toContain(`${text}\n${' '.repeat(18)}^`);
    expect(alert.textContent).toContain('Did you mean metrics.loss.Max?');
    expect(
      screen.getByPlaceholderText('Search').getAttribute('aria-invalid')
    ).toBe('true');
    // The rows from before the bad query stay in view under the explanation.
    expect(rowNames()).toEqual(['mnist', 'cifar10', 'fashion-mnist']);
  });

  it('shows how to log a first run when the store is empty', async () => {
    renderBrowser(storeRoute([]));
    const title = await screen.findByText(/No experiments yet — log one with/);
    expect(title.textContent).toContain('smx_lab.Run');
    expect(document.querySelector('.smx-State-snippet')?.textContent).toContain(
      'with smx_lab.Run(experiment_name='
    );
  });

  it('says when nothing matches a search, rather than that the store is empty', async () => {
    renderBrowser(storeRoute(DEMO));
    await screen.findByText(named('cifar10'));
    fireEvent.change(screen.getByPlaceholderText('Search'), {
      target: { value: 'zzz' }
    });
    expect(
      await screen.findByText('No experiments match this search')
    ).toBeTruthy();
  });

  it('says the store could not be reached and loads again on Retry', async () => {
    let down = true;
    renderBrowser(request => {
      if (down && request.path === 'experiments') {
        return {
          status: 503,
          body: { error: 'store_unavailable', message: 'database is locked' }
        };
      }
      return storeRoute(DEMO)(request);
    });
    expect(
      await screen.findByText('could not reach the store: database is locked')
    ).toBeTruthy();
    down = false;
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText(named('mnist'))).toBeTruthy();
  });

  it('drills into an experiment on double-click and back Home by the breadcrumb', async () => {
    const { location } = renderBrowser(storeRoute(DEMO));
    fireEvent.doubleClick(await screen.findByText(named('mnist')));
    expect(await screen.findByText(named('cnn-1'))).toBeTruthy();
    expect(location.current).toEqual({ level: 'trials', experiment: 'mnist' });
    const crumbs = screen.getByRole('navigation', { name: 'Location' });
    expect(crumbs.textContent).toBe('Home›mnist');
    fireEvent.click(within(crumbs).getByRole('button', { name: 'Home' }));
    expect(await screen.findByText(named('cifar10'))).toBeTruthy();
  });

  it('shows the columns of each level', async () => {
    renderBrowser(storeRoute(DEMO));
    await screen.findByText(named('mnist'));
    const headers = () =>
      screen.getAllByRole('columnheader').map(header => header.textContent);
    expect(headers()).toEqual(['Name', 'Last modified▼']);
    fireEvent.doubleClick(screen.getByText(named('mnist')));
    await screen.findByText(named('cnn-1'));
    expect(headers()).toEqual(['Name', 'Trial components', 'Last modified▼']);
    fireEvent.doubleClick(screen.getByText(named('cnn-1')));
    await screen.findByText(named('cnn-1-training'));
    expect(headers()).toEqual(['Name', 'Status', 'Created', 'Last modified▼']);
  });

  it('opens a trial component on Enter, after moving to it with the arrow keys', async () => {
    const { location, opened } = renderBrowser(storeRoute(DEMO));
    act(() => {
      location.current = {
        level: 'components',
        experiment: 'mnist',
        trial: 'cnn-1'
      };
    });
    await screen.findByText(named('cnn-1-training'));
    const body = screen.getByTestId('smx-table-body');
    fireEvent.keyDown(body, { key: 'ArrowDown' });
    fireEvent.keyDown(body, { key: 'Enter' });
    expect(opened).toEqual(['cnn-1-training']);
  });

  it('goes up a level on Backspace in the table', async () => {
    const { location } = renderBrowser(storeRoute(DEMO));
    act(() => {
      location.current = { level: 'trials', experiment: 'mnist' };
    });
    await screen.findByText(named('cnn-1'));
    fireEvent.keyDown(screen.getByTestId('smx-table-body'), {
      key: 'Backspace'
    });
    expect(location.current).toEqual({ level: 'experiments' });
    expect(await screen.findByText(named('cifar10'))).toBeTruthy();
  });

  it('selects several rows with Ctrl+click and Shift+arrows', async () => {
    const { selection } = renderBrowser(storeRoute(DEMO));
    fireEvent.click(await screen.findByText(named('mnist')));
    fireEvent.click(screen.getByText(named('fashion-mnist')), {
      ctrlKey: true
    });
    expect(selection.rows.map(r => r.name)).toEqual(['mnist', 'fashion-mnist']);
    const body = screen.getByTestId('smx-table-body');
    fireEvent.click(screen.getByText(named('mnist')));
    fireEvent.keyDown(body, { key: 'ArrowDown', shiftKey: true });
    expect(selection.rows.map(r => r.name)).toEqual(['mnist', 'cifar10']);
    await waitFor(() =>
      expect(
        document.querySelectorAll('.smx-Table-row.jp-mod-selected').length
      ).toBe(2)
    );
  });

  it('sorts by a column when its header is clicked, toggling the order', async () => {
    const { requests } = renderBrowser(storeRoute(DEMO));
    await screen.findByText(named('mnist'));
    const lastSort = () => {
      const last = requests.filter(r => r.path === 'experiments').pop()!;
      return [last.query.get('sort'), last.query.get('order')];
    };
    expect(lastSort()).toEqual(['LastModifiedTime', 'Descending']);
    fireEvent.click(screen.getByRole('button', { name: 'Name' }));
    await waitFor(() =>
      expect(lastSort()).toEqual(['DisplayName', 'Descending'])
    );
    fireEvent.click(screen.getByRole('button', { name: /Name/ }));
    await waitFor(() =>
      expect(lastSort()).toEqual(['DisplayName', 'Ascending'])
    );
    expect(
      screen
        .getByRole('columnheader', { name: /Name/ })
        .getAttribute('aria-sort')
    ).toBe('ascending');
  });

  it('opens the unassigned trial components from Home', async () => {
    const { requests } = renderBrowser(storeRoute(DEMO));
    fireEvent.click(await screen.findByText('Unassigned trial components'));
    expect(
      await screen.findByText('No unassigned trial components')
    ).toBeTruthy();
    const last = requests.pop()!;
    expect(last.path).toBe('components');
    expect(last.query.get('unassigned')).toBe('true');
  });

  it('loads again from the server when a refresh is requested', async () => {
    const { requests, refreshFromOutside } = renderBrowser(storeRoute(DEMO));
    await screen.findByText(named('mnist'));
    const before = requests.filter(r => r.path === 'experiments').length;
    act(() => refreshFromOutside());
    await waitFor(() =>
      expect(requests.filter(r => r.path === 'experiments').length).toBe(
        before + 1
      )
    );
  });

  it('keeps at most about 100 rows in the DOM for 10,000 experiments, even at the end', async () => {
    const many = Array.from({ length: 10000 }, (_, i) =>
      experiment(`exp-${String(i).padStart(5, '0')}`)
    );
    renderBrowser(storeRoute(many));
    await screen.findByText(named('exp-00000'));
    expect(
      document.querySelectorAll('.smx-Table-row').length
    ).toBeLessThanOrEqual(100);
    const body = screen.getByTestId('smx-table-body');
    body.scrollTop = many.length * ROW_HEIGHT - VIEWPORT;
    fireEvent.scroll(body);
    expect(
      await screen.findByText(named('exp-09999'), {}, { timeout: 5000 })
    ).toBeTruthy();
    expect(
      document.querySelectorAll('.smx-Table-row').length
    ).toBeLessThanOrEqual(100);
    expect(screen.getByText('10000 rows')).toBeTruthy();
  });

  it('shows a display name made of HTML as text', async () => {
    const html = '<img src=x onerror=alert(1)>';
    renderBrowser(storeRoute([experiment('safe-name', html)]));
    // A long name is drawn as a head and a tail (a middle ellipsis), both text.
    const cell = await waitFor(() => {
      const found = document.querySelector(
        '[data-name="safe-name"] .smx-Table-cell-name'
      );
      expect(found).not.toBeNull();
      return found as Element;
    });
    expect(cell.textContent).toBe(html);
    expect(document.querySelector('img')).toBeNull();
  });

  it('loads again from the server on its Refresh button, keeping the rows in view', async () => {
    const { requests } = renderBrowser(storeRoute(DEMO));
    await screen.findByText(named('mnist'));
    const before = requests.filter(r => r.path === 'experiments').length;
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() =>
      expect(requests.filter(r => r.path === 'experiments').length).toBe(
        before + 1
      )
    );
    expect(rowNames()).toEqual(['mnist', 'cifar10', 'fashion-mnist']);
  });

  it('counts the rows and the selection in its footer', async () => {
    renderBrowser(storeRoute(DEMO));
    fireEvent.click(await screen.findByText(named('mnist')));
    expect(screen.getByText('3 rows')).toBeTruthy();
    fireEvent.click(screen.getByText(named('cifar10')), { ctrlKey: true });
    await waitFor(() =>
      expect(document.querySelector('.smx-Browser-footer')?.textContent).toBe(
        '2 selected · 3 rows'
      )
    );
  });

  it('puts its texts through the translator', async () => {
    renderBrowser(storeRoute(DEMO), bracketing);
    await screen.findByText(named('cifar10'));
    expect(screen.getByPlaceholderText('⟨Search⟩')).toBeTruthy();
    expect(screen.getByRole('button', { name: '⟨Refresh⟩' })).toBeTruthy();
    expect(
      screen.getByRole('navigation', { name: '⟨Location⟩' }).textContent
    ).toBe('⟨Home⟩');
    expect(
      screen.getAllByRole('columnheader').map(header => header.textContent)
    ).toEqual(['⟨Name⟩', '⟨Last modified⟩▼']);
    expect(screen.getByText('⟨3 rows⟩')).toBeTruthy();
    expect(screen.getByText('⟨Unassigned trial components⟩')).toBeTruthy();
  });
});
