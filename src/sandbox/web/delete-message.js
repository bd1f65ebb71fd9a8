// Deleting one's own message, as Discord does: "Delete Message" asks first, then the sandbox deletes
// it (MESSAGE_DELETE takes it off every page and reaches the bots).
import { deleteJson } from "./api.js";
import { confirmDialog } from "./modal.js";

/** Asks, then deletes `message` as the person `meId`; resolves false when they cancelled. */
export async function deleteMessage(message, meId) {
  if (!(await confirmDialog("Delete Message", "Are you sure you want to delete this message?", "Delete"))) return false;
  const path = `/control/channels/${encodeURIComponent(message.channel_id)}/messages/${encodeURIComponent(message.id)}`;
  await deleteJson(`${path}?user_id=${encodeURIComponent(meId)}`);
  return true;
}
