// The collapsible side lists: on a phone the channel list and the member list are drawers opened by
// the header's ☰ and members buttons (the member list already below 900 px, as chat.css says); on a
// wide screen the members button shows or hides the list.
const NARROW = "(max-width: 768px)";
const MEMBERS_NARROW = "(max-width: 900px)";

/** Wires the toggles; returns { closeDrawers() }. */
export function createLayout({ layout, menuButton, membersButton, backdrop }) {
  const narrow = () => window.matchMedia(NARROW).matches;
  const membersNarrow = () => window.matchMedia(MEMBERS_NARROW).matches;
  const sync = () => {
    const sidebar = layout.classList.contains("show-sidebar");
    const members = membersNarrow() ? layout.classList.contains("show-members") : !layout.classList.contains("hide-members");
    menuButton.setAttribute("aria-expanded", String(sidebar));
    membersButton.setAttribute("aria-pressed", String(members));
    backdrop.hidden = !((narrow() && sidebar) || (membersNarrow() && layout.classList.contains("show-members")));
  };
  const closeDrawers = () => {
    layout.classList.remove("show-sidebar", "show-members");
    sync();
  };
  menuButton.addEventListener("click", () => {
    layout.classList.remove("show-members");
    layout.classList.toggle("show-sidebar");
    sync();
  });
  membersButton.addEventListener("click", () => {
    if (membersNarrow()) {
      layout.classList.remove("show-sidebar");
      layout.classList.toggle("show-members");
    } else layout.classList.toggle("hide-members");
    sync();
  });
  backdrop.addEventListener("click", closeDrawers);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !backdrop.hidden) closeDrawers();
  });
  for (const query of [NARROW, MEMBERS_NARROW]) window.matchMedia(query).addEventListener("change", closeDrawers);
  sync();
  return { closeDrawers: () => membersNarrow() && closeDrawers() };
}
