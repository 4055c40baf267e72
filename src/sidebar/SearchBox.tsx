/**
 * The search box: plain words filter by name as you type; anything else is the typed query
 * language (`metrics.test:accuracy.max > 0.9 and parameters.optimizer = "sgd"`), which the server
 * parses. A query the server refuses is explained under the box, with a caret where it stopped.
 */
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import { searchIcon } from '@jupyterlab/ui-components';
import React from 'react';
import { IErrorBody } from '../api';

export interface ISearchBoxProps {
  value: string;
  onChange: (value: string) => void;
  /** The server's explanation of a query it could not use, for the text it was given. */
  error: { text: string; body: IErrorBody } | null;
  translator?: ITranslator;
}

export function SearchBox(props: ISearchBoxProps): JSX.Element {
  const { value, onChange, error } = props;
  const trans = (props.translator ?? nullTranslator).load('smx_lab');
  const search = trans.__('Search');
  return (
    <div className="smx-SearchBox">
      <div className="smx-SearchBox-field">
        <searchIcon.react tag="span" className="smx-SearchBox-icon" />
        <input
          className="smx-SearchBox-input"
          type="search"
          placeholder={search}
          aria-label={search}
          aria-invalid={error !== null}
          aria-describedby={error ? 'smx-search-error' : undefined}
          title={trans.__(
            'Name words, or a query such as %1',
            'metrics.accuracy.max > 0.9 and parameters.optimizer = "sgd"'
          )}
          spellCheck={false}
          value={value}
          onChange={event => onChange(event.target.value)}
          onKeyDown={event => {
            // Keys typed here are text, not the table's shortcuts (Backspace goes up a level there).
            event.stopPropagation();
            if (event.key === 'Escape') {
              onChange('');
            }
          }}
        />
      </div>
      {error && (
        <QueryErrorMessage text={error.text} body={error.body} trans={trans} />
      )}
    </div>
  );
}

function QueryErrorMessage(props: {
  text: string;
  body: IErrorBody;
  trans: TranslationBundle;
}): JSX.Element {
  const { text, body, trans } = props;
  const position =
    typeof body.position === 'number'
      ? Math.max(0, Math.min(body.position, text.length))
      : null;
  return (
    <div className="smx-SearchBox-error" id="smx-search-error" role="alert">
      <div className="smx-SearchBox-errorMessage">{body.message}</div>
      {position !== null && (
        <pre className="smx-SearchBox-errorPointer" aria-hidden="true">
          {text}
          {'\n'}
          {' '.repeat(position)}^
        </pre>
      )}
      {body.suggestions && body.suggestions.length > 0 && (
        <div className="smx-SearchBox-errorHint">
          {trans.__('Did you mean %1?', body.suggestions.join(', '))}
        </div>
      )}
    </div>
  );
}
