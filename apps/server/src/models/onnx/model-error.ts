import { ConcordError, type ErrorDetail } from '@concord/core'

/**
 * A model file or manifest Concord cannot use: unreadable bytes, a graph onnxruntime refuses, or
 * inputs and outputs that do not fit the project. The message says what to change.
 */
export class ModelError extends ConcordError {
  constructor(message: string, details: readonly ErrorDetail[] = []) {
    super('invalid_model', message, details)
    this.name = 'ModelError'
  }
}
