/**
 * The sidebar where the user is: a query about trial components typed at Home or in an
 * experiment lists the trial components it finds there; a place the store does not have any
 * more falls back to the nearest level that exists, with a note; long names keep both ends.
 */
import {
  act,
  fireEvent,
  render,
  screen,
  waitFor
} from '@testing-library/react';
import React from 'react';
import { LocationModel, SelectionModel } from '../model';
import { Browser, fallbackFrom, SEARCH_DELAY } from '../sidebar/Browser';
import { ellipsisParts, levelColumns, toRow } from '../sidebar/columns';
import { SearchScope } from '../sidebar/scope';
import {
  errorAnswer,
  fakeServer,
  IAnswer,
  IRecordedRequest,
  page
} from './fakeServer';
import { bracketing } from './translator';

// jsdom does no layout: give the table's scroll area the size of a sidebar.
beforeAll(() => {
  for (const [property, size] of [
    ['clientHeight', 560],
    ['clientWidth', 300]
  ] as const) {
    Object.defineProperty(HTMLElement.prototype, property, {
      configurable: true,
      get(this: HTMLElement) {
        return this.classList.contains('smx-Table-body') ? size : 0;
      }
    });
  }
});

afterAll(() => {
  delete (HTMLElement.prototype as any).clientHeight;
  delete (HTMLElement.prototype as any).clientWidth;
});

const COMPONENT_QUERY = 'metrics.accuracy.max > 0.9';

const FOUND = [
  {
    TrialComponentName: 'train-adam',
    DisplayName: 'Training',
    Status: { PrimaryStatus: 'Completed' },
    Parameters: {},
    InputArtifacts: {},
    OutputArtifacts: {},
    Metrics: [],
    Parents: [
      { TrialName: 'cnn-adam', ExperimentName: 'mnist' },
      { TrialName: 'cnn-adam-again', ExperimentName: 'mnist' }
    ]
  }
];

/** A server whose query parser knows one component query; everything else is plain words. */
function route(request: IRecordedRequest): IAnswer {
  switch (request.path) {
    case 'search/resources':
      return {
        body: {
          resources:
            request.query.get('q') === COMPONENT_QUERY
              ? ['ExperimentTrialComponent']
              : ['Experiment', 'ExperimentTrial', 'ExperimentTrialComponent']
        }
      };
    case 'search':
      return page(FOUND);
    case 'components':
      return request.query.get('experiment') === 'mnist'
        ? page(FOUND)
        : errorAnswer(404, 'not_found', 'no such experiment');
    case 'experiments':
      return page([{ ExperimentName: 'mnist', DisplayName: 'mnist' }]);
    case 'experiments/mnist/trials':
      return page([
        {
          TrialName: 'cnn-adam',
          DisplayName: 'cnn-adam',
          ExperimentName: 'mnist'
        }
      ]);
    default:
      return {
        status: 404,
        body: {
          error: 'not_found',
          message: `${request.path} does not exist`
        }
      };
  }
}

function renderBrowser(location = new LocationModel()) {
  const server = fakeServer(route);
  render(
    <Browser
      client={server.client}
      location={location}
      selection={new SelectionModel()}
      pageSize={100}
      maxPageSize={500}
      onOpenComponent={jest.fn()}
    />
  );
  return { ...server, location };
}

async function search(text: string): Promise<void> {
  jest.useFakeTimers();
  fireEvent.change(screen.getByRole('searchbox', { name: 'Search' }), {
    target: { value: text }
  });
  await act(async () => {
    jest.advanceTimersByTime(SEARCH_DELAY);
  });
  jest.useRealTimers();
}

function headers(): string[] {
  return screen
    .getAllByRole('columnheader')
    .map(header => header.textContent ?? '');
}

describe('a query about trial components', () => {
  it('at Home, searches every trial component and lists each with its trials and experiments', async () => {
    const { requests } = renderBrowser();
    await screen.findByText('mnist');
    await search(COMPONENT_QUERY);
    await waitFor(() =>
      expect(document.querySelector('[data-name="train-adam"]')).not.toBeNull()
    );
    const searched = requests.find(request => request.path === 'search');
    expect(searched?.body).toMatchObject({
      resource: 'ExperimentTrialComponent',
      query: COMPONENT_QUERY
    });
    // Never refused as an unknown experiment property: the experiments route is not asked.
    expect(
      requests.filter(
        request =>
          request.path === 'experiments' && request.query.get('q') !== null
      )
    ).toEqual([]);
    // At Home the components come from several experiments: each says which.
    expect(headers()).toEqual(['Name', 'Trial', 'Experiment', 'Status']);
    const row = document.querySelector('[data-name="train-adam"]')!;
    expect(row.getAttribute('data-kind')).toBe('TrialComponent');
    // Where the sidebar is too narrow for the Experiment column, the trial's tooltip says it.
    expect(
      row.querySelector('.smx-Table-cell-trial')?.getAttribute('title')
    ).toBe('cnn-adam, cnn-adam-again (experiment: mnist)');
    expect(row.textContent).toContain('cnn-adam, cnn-adam-again');
    expect(row.textContent).toContain('mnist');
    expect(screen.getByRole('status').textContent).toBe(
      'Trial components of every experiment that match:'
    );
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('in an experiment, searches its trial components', async () => {
    const location = new LocationModel();
    location.current = { level: 'trials', experiment: 'mnist' };
    const { requests } = renderBrowser(location);
    await screen.findByText('cnn-adam');
    await search(COMPONENT_QUERY);
    await waitFor(() =>
      expect(document.querySelector('[data-name="train-adam"]')).not.toBeNull()
    );
    const listed = requests.find(request => request.path === 'components');
    expect(listed?.query.get('experiment')).toBe('mnist');
    expect(listed?.query.get('q')).toBe(COMPONENT_QUERY);
    expect(
      screen.getByText('Trial components of this experiment that match:')
    ).toBeTruthy();
  });

  it('leaves plain words to the level: names of experiments at Home', async () => {
    const { requests } = renderBrowser();
    await screen.findByText('mnist');
    await search('mni');
    await waitFor(() =>
      expect(
        requests.some(
          request =>
            request.path === 'experiments' && request.query.get('q') === 'mni'
        )
      ).toBe(true)
    );
    expect(requests.some(request => request.path === 'search')).toBe(false);
  });
});

describe('the search scope', () => {
  const HOME = { level: 'experiments' } as const;

  it("lists the level's own rows when the text is a query of the level's resource", async () => {
    const server = fakeServer(route);
    const scope = new SearchScope(server.client, HOME, 'mnist');
    await scope.fetchPage({ q: 'mnist' });
    expect(scope.shown).toBe('experiments');
    expect(server.requests.map(request => request.path)).toEqual([
      'search/resources',
      'experiments'
    ]);
  });

  it('asks the server once, whatever the number of pages', async () => {
    const server = fakeServer(route);
    const scope = new SearchScope(server.client, HOME, COMPONENT_QUERY);
    await scope.fetchPage({ q: COMPONENT_QUERY });
    await scope.fetchPage({ q: COMPONENT_QUERY, cursor: '100' });
    expect(scope.shown).toBe('found');
    expect(server.requests.map(request => request.path)).toEqual([
      'search/resources',
      'search',
      'search'
    ]);
    expect(server.requests[2].body.cursor).toBe('100');
  });

  it('does not ask about the text in a trial or for no text', async () => {
    const server = fakeServer(route);
    const inTrial = new SearchScope(
      server.client,
      { level: 'components', experiment: 'mnist', trial: 'cnn-adam' },
      COMPONENT_QUERY
    );
    await inTrial.fetchPage({ q: COMPONENT_QUERY }).catch(() => undefined);
    await new SearchScope(server.client, HOME, '').fetchPage({});
    expect(
      server.requests.filter(request => request.path === 'search/resources')
    ).toEqual([]);
  });

  it("lists the level's rows when the server cannot say (an older server)", async () => {
    const server = fakeServer(request =>
      request.path === 'search/resources'
        ? errorAnswer(404, 'not_found', 'no route')
        : route(request)
    );
    const scope = new SearchScope(server.client, HOME, COMPONENT_QUERY);
    await scope.fetchPage({ q: COMPONENT_QUERY });
    expect(scope.shown).toBe('experiments');
  });
});

describe('a place the store does not have', () => {
  it('falls back from a deleted experiment to Home, with a note that can be dismissed', async () => {
    const location = new LocationModel();
    location.current = { level: 'trials', experiment: 'deleted' };
    renderBrowser(location);
    await waitFor(() =>
      expect(location.current).toEqual({ level: 'experiments' })
    );
    const note = await screen.findByText(
      'Experiment ‘deleted’ is not in the store any more: showing Home.'
    );
    expect(note.closest('[role="status"]')).not.toBeNull();
    await screen.findByText('mnist');
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByText(/is not in the store any more/)).toBeNull();
  });

  it('falls back from a deleted trial to its experiment, and on to Home if that is gone too', async () => {
    const location = new LocationModel();
    location.current = {
      level: 'components',
      experiment: 'mnist',
      trial: 'deleted'
    };
    renderBrowser(location);
    await waitFor(() =>
      expect(location.current).toEqual({ level: 'trials', experiment: 'mnist' })
    );
    expect(
      await screen.findByText(
        'Trial ‘deleted’ is not in the store any more: showing its experiment.'
      )
    ).toBeTruthy();

    location.current = {
      level: 'components',
      experiment: 'gone',
      trial: 'deleted'
    };
    await waitFor(() =>
      expect(location.current).toEqual({ level: 'experiments' })
    );
    expect(
      await screen.findByText(
        'Experiment ‘gone’ is not in the store any more: showing Home.'
      )
    ).toBeTruthy();
  });

  it('says so in the user language, and never leaves Home or the unassigned components', () => {
    const trans = bracketing.load('smx_lab');
    expect(
      fallbackFrom({ level: 'trials', experiment: 'x' }, trans)?.note
    ).toBe('⟨Experiment ‘x’ is not in the store any more: showing Home.⟩');
    expect(fallbackFrom({ level: 'experiments' }, trans)).toBeNull();
    expect(fallbackFrom({ level: 'unassigned' }, trans)).toBeNull();
  });
});

describe('long names in the sidebar', () => {
  it('keep their start and their end, cut at a word near the last 40%', () => {
    expect(ellipsisParts('breast-cancer-min-child-weight-10')).toEqual([
      'breast-cancer-min-',
      'child-weight-10'
    ]);
    expect(ellipsisParts('digits-model-optimizer-grid')).toEqual([
      'digits-model-',
      'optimizer-grid'
    ]);
    // Without a word near the cut: the last 40% (11 of 26 characters).
    expect(ellipsisParts('abcdefghijklmnopqrstuvwxyz')).toEqual([
      'abcdefghijklmno',
      'pqrstuvwxyz'
    ]);
  });

  it('leave short names whole', () => {
    expect(ellipsisParts('cnn-1-train')).toEqual(['cnn-1-train', '']);
  });

  it('show the whole name in the cell text and its tooltip', () => {
    const [name] = levelColumns().experiments;
    const row = toRow('experiments', {
      ExperimentName: 'breast-cancer-min-child-weight-sweep',
      DisplayName: 'breast-cancer-min-child-weight-sweep'
    } as any);
    expect(name.middleEllipsis).toBe(true);
    expect(name.tooltip?.(row)).toBe('breast-cancer-min-child-weight-sweep');
  });

  it('leave a trial its count column only where the panel is wide enough', () => {
    const components = levelColumns().trials.find(c => c.id === 'components');
    expect(components?.minPanelWidth).toBeGreaterThan(250);
  });
});
