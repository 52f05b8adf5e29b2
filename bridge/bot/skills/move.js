'use strict'
// move(forward, right, turn, distance): the six movement actions. Facing is one of four directions
// (0 south, 1 west, 2 north, 3 east, as in the simulator); a move walks `distance` blocks along it
// (or to the side), digging only when there is no way on foot; `blocked` when it could not get
// there. Outcome: always `moved`.

const { goals } = require('mineflayer-pathfinder')
const { BridgeError } = require('../errors')
const { withTimeout } = require('../wait')
const { walkMovements } = require('../connect')
const { inventoryCounts } = require('./observe')

const FACINGS = [[0, 1], [-1, 0], [0, -1], [1, 0]] // (dx, dz) per facing

/** mineflayer yaw looking along (dx, dz): yaw 0 looks north (-z), increasing counter-clockwise. */
const yawOf = ([dx, dz]) => Math.atan2(-dx, -dz)

function inject (bot, config) {
  bot.skills = bot.skills ?? {}
  bot.adamFacing = bot.adamFacing ?? 0

  bot.skills.move = async ({ forward = 0, right = 0, turn = 0, distance = config.moveDistance }) => {
    for (const [name, value] of Object.entries({ forward, right, turn, distance })) {
      if (!Number.isInteger(value)) throw new BridgeError('BadRequest', `${name} must be an integer`, { [name]: value })
    }
    bot.adamFacing = (((bot.adamFacing + turn) % 4) + 4) % 4
    const [fx, fz] = FACINGS[bot.adamFacing]
    const [rx, rz] = [-fz, fx] // right of the facing
    await withTimeout(bot.look(yawOf([fx, fz]), 0, true), config.equipTimeoutMs, 'PathTimeout', { what: 'turning' })
    const start = bot.entity.position.floored()
    const dx = (forward * fx + right * rx) * distance
    const dz = (forward * fz + right * rz) * distance
    let blocked = false
    if (dx || dz) {
      const goal = new goals.GoalNearXZ(start.x + dx + 0.5, start.z + dz + 0.5, 1)
      const context = { what: 'moving', from: start.toArray(), by: [dx, dz] }
      // walk; only if there is no way on foot (e.g. down a hole), dig one, as a player would
      for (const canDig of [false, true]) {
        bot.pathfinder.setMovements(walkMovements(bot, { canDig }))
        try {
          await withTimeout(bot.pathfinder.goto(goal), config.pathTimeoutMs, 'PathTimeout', context, () => bot.pathfinder.stop())
          blocked = false
          break
        } catch (err) {
          if (err.name === 'PathTimeout') throw err
          blocked = true
        } finally {
          bot.pathfinder.setMovements(walkMovements(bot))
        }
      }
      await withTimeout(bot.look(yawOf([fx, fz]), 0, true), config.equipTimeoutMs, 'PathTimeout', { what: 'turning' })
    }
    const end = bot.entity.position.floored()
    return { success: true, reason: 'moved', blocked, moved: [end.x - start.x, end.y - start.y, end.z - start.z], facing: bot.adamFacing * 90, inventory: inventoryCounts(bot) }
  }
}

module.exports = { inject }
