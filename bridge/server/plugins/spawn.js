'use strict'
// Spawning: players spawn at the arena's centre (flying-squid's default spawn is a random column,
// possibly a tree top), and their login completes at once. flying-squid waits for the client's first
// movement packet before sending the remaining chunks and then puts the player back at the login
// position; a command that moved the player in between (a /tp) would be undone at a random moment.
// Here that last step happens during the login, before the client is told anything else.

const { Vec3 } = require('vec3')
const { arenaLayout } = require('../arena')

module.exports.server = function (serv, settings) {
  const { spawn } = arenaLayout(Number(settings.generation.options.arenaSeed) || 0)
  serv.once('asap', () => {
    serv.getSpawnPoint = async () => new Vec3(spawn.x + 0.5, spawn.y, spawn.z + 0.5)
  })
}

module.exports.player = function (player) {
  player.once('asap', () => {
    player.waitPlayerLogin = async () => {}
  })
}
