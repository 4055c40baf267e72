/**
 * What the sidebar lists for a level and a search text. A level lists its own rows, filtered by
 * the text; but a query about trial components (`metrics.…`, `parameters.…`, `status = …`) typed
 * at Home or in an experiment is no query of experiments or trials: there it finds the trial
 * components in that scope (every component at Home, the experiment's in an experiment), listed
 * with their trial and experiment. The server says which resources a text can search
 * (`GET search/resources`); the panel never parses the query language itself.
 */
import { IListOptions, IPage, Resource } from '../api';
import { Level, PanelLocation } from '../model';
import type { ISmxLabClient } from '../tokens';
import { ListItem, Shown } from './columns';

export type { Shown };

export type FetchItems = (options: IListOptions) => Promise<IPage<ListItem>>;

/** The resource each level lists. */
const LEVEL_RESOURCE: Record<Level, Resource> = {
  experiments: 'Experiment',
  trials: 'ExperimentTrial',
  components: 'ExperimentTrialComponent',
  unassigned: 'ExperimentTrialComponent'
};

/** The list call of a level: every level is paged from the server the same way. */
export function fetcherFor(
  client: ISmxLabClient,
  location: PanelLocation
): FetchItems {
  switch (location.level) {
    case 'experiments':
      return options => client.listExperiments(options);
    case 'trials':
      return options => client.listTrials(location.experiment, options);
    case 'components':
      return options => client.listTrialComponents(location.trial, options);
    case 'unassigned':
      return options => client.listUnassignedComponents(options);
  }
}

/** The trial components a query finds where the panel is: Home, or an experiment. */
function foundFetcher(
  client: ISmxLabClient,
  location: PanelLocation
): FetchItems | null {
  switch (location.level) {
    case 'experiments':
      return options =>
        client.search({
          resource: 'ExperimentTrialComponent',
          query: options.q,
          ...(options.sort ? { sort_by: options.sort } : {}),
          ...(options.order ? { sort_order: options.order } : {}),
          ...(options.limit !== undefined ? { limit: options.limit } : {}),
          cursor: options.cursor ?? null
        });
    case 'trials':
      return options =>
        client.listExperimentComponents(location.experiment, options);
    default:
      return null;
  }
}

/**
 * One listing's source: it asks the server, on its first page, what the search text can search,
 * and from then on fetches the level's rows or the trial components found in its scope.
 */
export class SearchScope {
  private _shown: Shown;
  private _fetch: Promise<FetchItems> | null = null;

  constructor(
    private readonly client: ISmxLabClient,
    private readonly location: PanelLocation,
    private readonly query: string
  ) {
    this._shown = location.level;
  }

  /** What the rows are: the level's until the first page says otherwise. */
  get shown(): Shown {
    return this._shown;
  }

  /** A page of the rows (the `q` of the options is the scope's query). */
  readonly fetchPage = async (
    options: IListOptions
  ): Promise<IPage<ListItem>> => {
    if (!this._fetch) {
      this._fetch = this.plan();
    }
    const fetch = await this._fetch;
    return fetch(options);
  };

  private async plan(): Promise<FetchItems> {
    const own = fetcherFor(this.client, this.location);
    const found = foundFetcher(this.client, this.location);
    if (!found || !this.query.trim()) {
      return own;
    }
    let resources: Resource[];
    try {
      ({ resources } = await this.client.searchResources(this.query));
    } catch {
      // An older server: the level's listing explains a query it cannot use.
      return own;
    }
    if (
      resources.includes(LEVEL_RESOURCE[this.location.level]) ||
      !resources.includes('ExperimentTrialComponent')
    ) {
      return own;
    }
    this._shown = 'found';
    return found;
  }
}
