'use strict'
// Item entities on the ground: one entity per item (flying-squid's pickup adds one item per entity).

const PICKUP_DELAY_MS = 500
const DESPAWN_MS = 5 * 60 * 1000

/** Spawn `count` item entities of `itemId` at `position` (a Vec3), with a small random spread. */
function dropItems (serv, world, position, itemId, count) {
  const { Vec3 } = require('vec3')
  for (let i = 0; i < count; i++) {
    serv.spawnObject(serv.registry.entitiesByName.item.id, world, position, {
      velocity: new Vec3(Math.random() - 0.5, 2, Math.random() - 0.5),
      itemId,
      itemCount: 1,
      pickupTime: PICKUP_DELAY_MS,
      deathTime: DESPAWN_MS
    })
  }
}

module.exports = { dropItems, PICKUP_DELAY_MS }
