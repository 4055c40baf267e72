import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import React from 'react';
import { ICrumb, PanelLocation } from '../model';

/** Home › experiment › trial; every crumb but the last goes to its level. */
export function Breadcrumb(props: {
  crumbs: ICrumb[];
  onNavigate: (location: PanelLocation) => void;
  translator?: ITranslator;
}): JSX.Element {
  const { crumbs, onNavigate } = props;
  const trans = (props.translator ?? nullTranslator).load('smx_lab');
  return (
    <nav className="smx-Breadcrumb" aria-label={trans.__('Location')}>
      {crumbs.map((crumb, index) => {
        const last = index === crumbs.length - 1;
        return (
          <React.Fragment key={index}>
            {index > 0 && (
              <span className="smx-Breadcrumb-separator" aria-hidden="true">
                ›
              </span>
            )}
            {last ? (
              <span className="smx-Breadcrumb-current" aria-current="location">
                {crumb.label}
              </span>
            ) : (
              <button
                className="smx-Breadcrumb-crumb"
                onClick={() => onNavigate(crumb.location)}
              >
                {crumb.label}
              </button>
            )}
          </React.Fragment>
        );
      })}
    </nav>
  );
}
