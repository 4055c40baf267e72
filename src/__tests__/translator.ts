import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';

/** A translator that brackets every message of smx_lab's domain, to see which texts go through it. */
export const bracketing: ITranslator = {
  languageCode: 'xx',
  load: (domain: string): TranslationBundle => {
    const english = nullTranslator.load(domain);
    const mark = (text: string) => (domain === 'smx_lab' ? `⟨${text}⟩` : text);
    return {
      __: (msgid: string, ...args: any[]) => mark(english.__(msgid, ...args)),
      _n: (msgid: string, plural: string, n: number, ...args: any[]) =>
        mark(english._n(msgid, plural, n, ...args))
    } as TranslationBundle;
  }
};
