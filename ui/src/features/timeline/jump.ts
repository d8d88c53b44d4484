/** A request to bring one message of a room into view; a new `seq` asks again for the same message. */
export type JumpRequest = { eventId: string; seq: number };

