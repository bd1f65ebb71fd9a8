export { Rooms, type RoomsOptions, type PostAnswer } from "./service.js";
export { startRooms, type StartRoomsOptions, type RoomsHandle } from "./start.js";
export { createRoomsListener } from "./listener.js";
export { FileRoomStore, RoomStoreError, type RoomStore } from "./store.js";
export { RoomsError, ROOMS_STATUS, type RoomsErrorCode } from "./errors.js";
export { DEFAULT_ROOM_LIMITS, type RoomLimits } from "./limits-config.js";
export { instructionBlock } from "./block.js";
export { personaSummary } from "./a2a-card.js";
export type { AuthorKind, RoomBot, ChannelEvent, InviteCreated, OutsidePost, PostStatus, RoomAgentView, RoomInfo, RoomMessage, RoomMode } from "./types.js";
