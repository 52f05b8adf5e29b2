'use strict'
// The player's own window (id 0) made server-authoritative, with its 2x2 crafting grid, and window
// clicks routed to open containers. flying-squid 1.12 applies 1.17+ clicks without the clicked slot's
// content and has no crafting (its issue #357); this plugin replaces its window_click handling.

const { services, craftingRules } = require('../lib/services')

module.exports.player = function (player, serv) {
  const { sync, clicks, containers, recipes } = services(serv)
  const rules = craftingRules(recipes, sync, 2)

  // after flying-squid's own player plugins are attached (it emits 'asap' then)
  player.once('asap', () => {
    player._client.removeAllListeners('window_click')
    // flying-squid's own listener also shows the held item to other players; one bot does not need it
    player.inventory.removeAllListeners('updateSlot')
    // every server-side change of the inventory reaches the client, except while a click is being
    // answered (then only what the client did not predict is sent)
    player.inventory.on('updateSlot', (slot, oldItem, newItem) => {
      if (!player.adamMuted) sync.sendSlot(player, 0, slot, newItem)
    })

    player._client.on('window_click', packet => {
      if (packet.windowId !== 0) {
        if (!containers.onClick(player, packet)) serv.debug?.(`click on unknown window ${packet.windowId}`)
        return
      }
      player.adamMuted = true
      try {
        clicks.handle(player, player.inventory, 0, packet, rules)
      } finally {
        player.adamMuted = false
      }
    })

    player._client.on('close_window', ({ windowId }) => {
      if (windowId !== 0) {
        containers.close(player)
        return
      }
      // closing the inventory screen returns the 2x2 grid and the cursor to the inventory
      const back = rules.gridSlots.map(i => player.inventory.slots[i]).filter(Boolean)
      for (const i of rules.gridSlots) if (player.inventory.slots[i]) player.inventory.updateSlot(i, null)
      if (player.inventory.slots[0]) player.inventory.updateSlot(0, null)
      back.push(player.inventory.selectedItem)
      player.inventory.selectedItem = null
      for (const item of back) containers.giveBack(player, item)
    })
  })
}
