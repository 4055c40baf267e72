/**
 * The Debugger tab of a training job: each Debugger or profiler rule, its evaluation status and
 * details, and a link to its report in S3 where the server knows one; or a sentence saying the
 * job ran no rules.
 */
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { copyIcon } from '@jupyterlab/ui-components';
import React from 'react';
import type { IJob, IJobRule } from '../api';
import { formatTime } from '../format';
import { ruleStatusLabel } from './labels';

/** Only a web page is a link: a report URL from elsewhere never becomes `javascript:`. */
export function safeLink(url: string | undefined): string | undefined {
  return url && /^https:\/\//i.test(url) ? url : undefined;
}

function RuleStatus(props: {
  rule: IJobRule;
  translator?: ITranslator;
}): JSX.Element {
  const trans = (props.translator ?? nullTranslator).load('smx_lab');
  const status = props.rule.RuleEvaluationStatus;
  return (
    <span className={`smx-RuleStatus smx-mod-${status.toLowerCase()}`}>
      {ruleStatusLabel(status, trans)}
    </span>
  );
}

export function DebuggerTab(props: {
  job: IJob;
  copy: (text: string) => void;
  translator?: ITranslator;
}): JSX.Element {
  const { job, copy, translator } = props;
  const trans = (translator ?? nullTranslator).load('smx_lab');
  if (job.Rules.length === 0) {
    return (
      <div className="smx-Details-empty smx-DebuggerTab-empty">
        {trans.__(
          'Training job %1 ran no Debugger or profiler rules.',
          job.JobName
        )}
      </div>
    );
  }
  return (
    <table className="smx-Details-table smx-RulesTable">
      <thead>
        <tr>
          <th scope="col">{trans.__('Rule')}</th>
          <th scope="col">{trans.__('Type')}</th>
          <th scope="col">{trans.__('Status')}</th>
          <th scope="col">{trans.__('Details')}</th>
          <th scope="col">{trans.__('Last modified')}</th>
          <th scope="col">{trans.__('Report')}</th>
        </tr>
      </thead>
      <tbody>
        {job.Rules.map(rule => {
          const link = safeLink(rule.ReportUrl);
          return (
            <tr
              key={`${rule.RuleType}/${rule.RuleConfigurationName}`}
              data-rule={rule.RuleConfigurationName}
            >
              <td>{rule.RuleConfigurationName}</td>
              <td>
                {rule.RuleType === 'Profiler'
                  ? trans.__('Profiler')
                  : trans.__('Debugger')}
              </td>
              <td>
                <RuleStatus rule={rule} translator={translator} />
              </td>
              <td className="smx-RulesTable-details">
                {rule.StatusDetails ?? ''}
              </td>
              <td>{formatTime(rule.LastModifiedTime)}</td>
              <td className="smx-Details-actions">
                {link && (
                  <a
                    className="smx-RulesTable-report"
                    href={link}
                    target="_blank"
                    rel="noopener noreferrer"
                    title={rule.ReportS3Uri}
                  >
                    {trans.__('Open report')}
                  </a>
                )}
                {rule.ReportS3Uri && (
                  <button
                    className="smx-IconButton"
                    title={trans.__(
                      'Copy the S3 URI of the report of %1',
                      rule.RuleConfigurationName
                    )}
                    aria-label={trans.__(
                      'Copy the S3 URI of the report of %1',
                      rule.RuleConfigurationName
                    )}
                    onClick={() => copy(rule.ReportS3Uri as string)}
                  >
                    <copyIcon.react tag="span" />
                  </button>
                )}
                {!rule.ReportS3Uri && (
                  <span className="smx-RulesTable-noReport">
                    {trans.__('No report')}
                  </span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
