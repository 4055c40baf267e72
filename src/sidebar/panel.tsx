/** The Experiments panel: a Lumino widget in the left area holding the React browser. */
import { ReactWidget } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { Signal } from '@lumino/signaling';
import React from 'react';
import { SmxLabClient } from '../api';
import { LocationModel, SelectionModel } from '../model';
import { beakerIcon } from '../icons';
import { Browser } from './Browser';

export const PANEL_ID = 'smx-lab-experiments';

export interface IExperimentsPanelOptions {
  client: SmxLabClient;
  openComponent: (name: string) => void;
  pageSize?: number;
}

export class ExperimentsPanel extends ReactWidget {
  readonly location = new LocationModel();
  readonly selection = new SelectionModel();
  private _refreshRequested = new Signal<this, void>(this);
  private _pageSize: number;
  private _maxPageSize: number;
  // Nothing is asked of the store before the panel is first opened (an AWS call costs money).
  private _opened = false;

  constructor(private readonly options: IExperimentsPanelOptions) {
    super();
    this.id = PANEL_ID;
    this.addClass('smx-ExperimentsPanel');
    this.title.icon = beakerIcon;
    this.title.caption = 'Experiments';
    this._pageSize = options.pageSize ?? 100;
    this._maxPageSize = this._pageSize;
  }

  get pageSize(): number {
    return this._pageSize;
  }

  set pageSize(value: number) {
    if (value !== this._pageSize) {
      this._pageSize = value;
      this.update();
    }
  }

  /** Loads the current level again from the store. */
  refresh(): void {
    this._refreshRequested.emit();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    if (!this._opened) {
      this._opened = true;
      this.update();
      // The server's page cap lets a far scroll ask for many rows at once.
      this.options.client.info().then(
        info => {
          this._maxPageSize = info.page_size_cap;
          this.update();
        },
        () => undefined
      );
    }
  }

  protected render(): JSX.Element | null {
    if (!this._opened) {
      return null;
    }
    return (
      <Browser
        client={this.options.client}
        location={this.location}
        selection={this.selection}
        pageSize={Math.min(this._pageSize, this._maxPageSize)}
        maxPageSize={this._maxPageSize}
        refreshRequested={this._refreshRequested}
        onOpenComponent={this.options.openComponent}
      />
    );
  }
}
