'use strict'
// Right-clicking a crafting table opens a 3x3 crafting window (flying-squid 1.12 lacks it: its issue
// #218). Items left in the grid go back to the player's inventory when the window closes.

const { services, craftingRules } = require('../lib/services')

module.exports.server = function (serv) {
  serv.once('asap', () => {
    const { sync, containers, recipes } = services(serv)
    const rules = craftingRules(recipes, sync, 3)
    serv.onBlockInteraction('crafting_table', ({ block, player }) => {
      if (player.crouching) return false
      containers.open(player, 'minecraft:crafting', {
        title: 'Crafting',
        key: `crafting:${block.position}`,
        rules,
        onClose (window) {
          for (const i of rules.gridSlots) {
            containers.giveBack(player, window.slots[i])
            window.slots[i] = null
          }
        }
      })
      return true // handled: no block is placed against the table
    })
  })
}
