'use strict'
// Vanilla-compatible /give and /clear, which the bridge uses for do()-interventions (the same commands
// work on a vanilla or Paper server with op). flying-squid 1.12's /give keeps the count as a string
// (a later pickup turns 3 into "31") and ignores stack sizes; it has no /clear.

const UserError = require('flying-squid').UserError
const { services } = require('../lib/services')

module.exports.server = function (serv) {
  const { registry } = serv
  const itemNamed = name => registry.itemsByName[String(name).replace(/^minecraft:/, '')]

  // registered once flying-squid's own commands exist, so these replace its /give
  serv.once('asap', () => {
    const { containers, sync } = services(serv)

    serv.commands.add({
      base: 'give',
      info: 'Give items to players',
      usage: '/give <targets> <item> [count]',
      op: true,
      parse (args, ctx) {
        const [target, name, countText, ...rest] = args.trim().split(/\s+/)
        if (!target || !name || rest.length) return false
        const count = countText === undefined ? 1 : Number(countText)
        if (!Number.isInteger(count) || count < 1 || count > 6400) throw new UserError(`Invalid count '${countText}'`)
        const item = itemNamed(name)
        if (!item) throw new UserError(`Unknown item '${name}'`)
        const players = serv.getPlayers(target, ctx.player)
        if (!players.length) throw new UserError('No player was found')
        return { players, item, count }
      },
      action ({ players, item, count }) {
        for (const player of players) containers.giveBack(player, new sync.Item(item.id, count))
        return `Gave ${count} [${item.displayName}] to ${players.map(p => p.username).join(', ')}`
      }
    })

    serv.commands.add({
      base: 'clear',
      info: 'Clear items from player inventories',
      usage: '/clear [targets]',
      op: true,
      parse (args, ctx) {
        const [target = '@s', ...rest] = args.trim().split(/\s+/).filter(Boolean)
        if (rest.length) throw new UserError('Only /clear [targets] is supported')
        const players = serv.getPlayers(target, ctx.player)
        if (!players.length) throw new UserError('No player was found')
        return { players }
      },
      action ({ players }) {
        let removed = 0
        for (const player of players) {
          containers.close(player, true)
          for (let slot = 0; slot < player.inventory.slots.length; slot++) {
            const item = player.inventory.slots[slot]
            if (!item) continue
            removed += item.count
            player.inventory.updateSlot(slot, null)
          }
          if (player.inventory.selectedItem) removed += player.inventory.selectedItem.count
          player.inventory.selectedItem = null
        }
        return `Removed ${removed} item(s) from ${players.map(p => p.username).join(', ')}`
      }
    })
  })
}
