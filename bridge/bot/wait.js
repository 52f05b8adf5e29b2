'use strict'
// Every wait has a timeout and a named error: promise races and event waits.

const { BridgeError } = require('./errors')

/**
 * Resolve with `promise`, or reject with BridgeError(name, ..., context) after `ms`.
 * `onTimeout` runs first (e.g. stop the pathfinder) so nothing keeps going in the background.
 */
function withTimeout (promise, ms, name, context = {}, onTimeout = null) {
  let timer
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => {
      try { onTimeout?.() } catch (err) { /* already failing: the timeout is the error to report */ }
      reject(new BridgeError(name, `${context.what ?? name} did not finish within ${ms} ms`, { ...context, timeoutMs: ms }))
    }, ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Wait for `event` on `emitter` (whose arguments pass `predicate`), at most `ms`. Resolves with the arguments. */
function waitForEvent (emitter, event, ms, name, context = {}, predicate = () => true) {
  let listener
  const fired = new Promise(resolve => {
    listener = (...args) => {
      if (predicate(...args)) resolve(args)
    }
    emitter.on(event, listener)
  })
  return withTimeout(fired, ms, name, { what: `waiting for ${event}`, ...context }).finally(() => emitter.removeListener(event, listener))
}

/**
 * Wait until `condition()` is true, re-checking whenever `event` fires on `emitter`, at most `ms`.
 * Resolves immediately when the condition already holds.
 */
async function waitUntil (emitter, event, condition, ms, name, context = {}) {
  if (condition()) return
  await waitForEvent(emitter, event, ms, name, context, () => condition())
}

module.exports = { withTimeout, waitForEvent, waitUntil }
