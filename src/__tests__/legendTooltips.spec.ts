import { withLegendTooltips } from '../details/legendTooltips';

describe('legend tooltips', () => {
  it('make every legend label answer the pointer with its whole value', () => {
    const spec = {
      legends: [
        {
          fill: 'color',
          encode: { labels: { update: { text: { signal: 'short' } } } }
        }
      ],
      marks: [
        { type: 'group', legends: [{ stroke: 'color' }], marks: [] },
        { type: 'symbol' }
      ]
    };
    const patched = withLegendTooltips(spec);
    expect(patched.legends[0].encode.labels).toEqual({
      interactive: true,
      update: {
        text: { signal: 'short' },
        tooltip: { signal: 'datum.value' }
      }
    });
    expect((patched.marks[0] as any).legends[0].encode.labels.interactive).toBe(
      true
    );
    expect(patched.marks[1]).toBe(spec.marks[1]);
    // The spec given is left as it was.
    expect(spec.legends[0].encode.labels).toEqual({
      update: { text: { signal: 'short' } }
    });
  });

  it('leave a spec without legends as it is', () => {
    expect(withLegendTooltips({ marks: [] })).toEqual({ marks: [] });
  });
});
