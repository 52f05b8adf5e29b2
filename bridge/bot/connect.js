'use strict'
// Connect a mineflayer bot and wait for it to spawn (with a timeout and named errors), then load the
// pathfinder and tool plugins with movements that never spend inventory items on scaffolding (that
// would show up as a "consumed" item of an unrelated action).

const mineflayer = require('mineflayer')
const { pathfinder, Movements } = require('mineflayer-pathfinder')
const { plugin: toolPlugin } = require('mineflayer-tool')
const { BridgeError } = require('./errors')
const { fixRegistry } = require('./registry_fixes')

/** Walking movements: digging allowed (targets may be buried), no block placing, no parkour. */
function walkMovements (bot, { canDig = true } = {}) {
  const movements = new Movements(bot)
  movements.canDig = canDig
  movements.allow1by1towers = false
  movements.scafoldingBlocks = []
  movements.allowParkour = false
  movements.digCost = 4 // prefer walking around over digging through
  return movements
}

/**
 * Connect to host:port as `username` (offline auth) and resolve with the spawned bot, once the server
 * has settled its position (see below). Rejects with ConnectFailed (refused, kicked, closed) or
 * ConnectTimeout.
 */
function connect ({ host, port, username, version, timeoutMs = 20000, viewDistance = 4, settleMs = 10000 }) {
  const context = { host, port, username, version }
  return new Promise((resolve, reject) => {
    const bot = mineflayer.createBot({ host, port, username, version, auth: 'offline', viewDistance, hideErrors: true })
    let done = false
    const listeners = {
      error: err => fail(new BridgeError('ConnectFailed', `cannot connect to ${host}:${port}: ${err.code ?? err.message}`, { ...context, code: err.code ?? null })),
      kicked: reason => fail(new BridgeError('ConnectFailed', `kicked while joining ${host}:${port}: ${JSON.stringify(reason)}`, context)),
      end: reason => fail(new BridgeError('ConnectFailed', `connection to ${host}:${port} closed before spawn (${reason})`, context))
    }
    const settle = () => {
      done = true
      clearTimeout(timer)
      for (const [event, listener] of Object.entries(listeners)) bot.removeListener(event, listener)
    }
    const fail = err => {
      if (done) return
      settle()
      try { bot.end() } catch (e) { /* the connection is already gone */ }
      reject(err)
    }
    const timer = setTimeout(
      () => fail(new BridgeError('ConnectTimeout', `bot did not spawn on ${host}:${port} within ${timeoutMs} ms`, { ...context, timeoutMs })),
      timeoutMs
    )
    for (const [event, listener] of Object.entries(listeners)) bot.on(event, listener)
    bot.once('spawn', () => {
      if (done) return
      // flying-squid sends the rest of the chunks once the client moves, then puts the player back
      // at the login position: wait for that last forced move (at most settleMs), or a later teleport
      // would be undone
      const settled = new Promise(resolve => {
        const timer = setTimeout(resolve, settleMs)
        bot.once('forcedMove', () => {
          clearTimeout(timer)
          resolve()
        })
      })
      settled.then(() => {
        if (done) return
        settle()
        fixRegistry(bot.registry)
        bot.loadPlugin(pathfinder)
        bot.loadPlugin(toolPlugin)
        bot.pathfinder.setMovements(walkMovements(bot))
        bot.pathfinder.thinkTimeout = 5000
        resolve(bot)
      })
    })
  })
}

module.exports = { connect, walkMovements }
