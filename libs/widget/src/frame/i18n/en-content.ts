/**
 * What a note's or a rating's form says of a content rule broken (libs/protocol's content-rules,
 * which the API applies too), in English: apart from the catalogue so that the browser extension
 * says them in the widget's words, one wording for both, without bundling the whole catalogue.
 * The figures are the rules' own (`ContentProblem.values`).
 */
export const EN_CONTENT = {
  chooseHelpfulness: 'Choose how helpful the note is.',
  chooseClassification: 'Choose whether the post may mislead.',
  chooseReason: 'Choose at least one reason.',
  chooseTag: 'Choose at least one of these.',
  textMissing: 'Write the note.',
  // Over 280 as readers count it (a link counts as one).
  textTooLong: 'The note has {count} characters; at most {limit} fit.',
  // Within 280 as readers count it, over 1000 as sent: only long links do that.
  textTooLongSent:
    'With its links in full, the note has {count} characters; at most {limit} can be sent. Shorten its links, or move some to the sources.',
  // The counter under the note, when the text is too long as sent: `counted` is "45/280".
  noteCounterSent: '{counted} · {count}/{limit} with links in full',
  // An http(s) link over the length of a URL: its start, to find it.
  sourceTooLong: 'A source link has {count} characters; at most {limit} fit: {source}',
  sourceInvalid: 'Each source must be one link starting with http:// or https://: {source}',
  tooManySources: 'At most {limit} sources.',
  sourcesMissing: 'A note saying the post may mislead needs at least one source.',
} as const;
