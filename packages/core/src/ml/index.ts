/**
 * Concord's model-in-the-loop maths, pure and deterministic: built-in text features, a
 * multinomial logistic regression, cross-validation, uncertainty scores and queue orders,
 * confident learning, cluster statistics and a PCA for the data map. No I/O, no clock, no
 * Math.random: randomness comes in as a seeded {@link Rng}.
 */
export type { Pace } from './pace'
export { noPace } from './pace'
export type { Rng } from './random'
export { gaussian, mulberry32, randomInt, shuffleInPlace } from './random'

export type {
  TextFeaturizerJson,
  TextFeaturizerModel,
  TextFeaturizerOptions,
} from './text-features'
export {
  DEFAULT_TEXT_BUCKETS,
  DEFAULT_TEXT_DIMS,
  DEFAULT_TEXT_SAMPLE,
  DEFAULT_TEXT_VOCABULARY,
  embedTexts,
  fitTextFeaturizer,
  parseTextFeaturizer,
  serializeTextFeaturizer,
} from './text-features'

export type { LbfgsOptions, LbfgsResult, ObjectiveFn } from './lbfgs'
export { minimizeLbfgs } from './lbfgs'

export type { LogRegModel, LogRegOptions } from './logreg'
export {
  ABSENT_CLASS_BIAS,
  DEFAULT_L2,
  DEFAULT_MAX_ITER,
  DEFAULT_TOL,
  argmaxRows,
  predictProba,
  trainLogReg,
} from './logreg'

export type { OutOfFoldOptions } from './cross-validate'
export { accuracy, macroF1, majorityRate, outOfFoldProba, stratifiedFolds } from './cross-validate'

export type { QueueCandidate, QueueOrder } from './uncertainty'
export { QUEUE_ORDERS, entropy, leastConfidence, margin, rankForQueue } from './uncertainty'

export type { ConfidentJoint, LabelIssue } from './confident-learning'
export { confidentJoint, findLabelIssues } from './confident-learning'

export type { ClusterStat, ClusterStatsOptions } from './cluster-stats'
export { clusterStats } from './cluster-stats'

export { pca2d, pcaProject, principalComponents } from './pca'
