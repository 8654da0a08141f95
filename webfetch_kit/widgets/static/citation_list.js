// The citation viewer's list: a <select> whose keys move between citations, not JupyterLab's cells.
//
// JupyterLab binds ArrowUp/ArrowDown (and j/k, and more) in a notebook's command mode to the cell
// selection, on any focused element inside the notebook, and cancels the key's default: with a stock
// ipywidgets Select focused, ArrowDown moved to the next cell instead of the next citation. Here the
// <select> carries data-lm-suppress-shortcuts (Lumino, JupyterLab's toolkit, matches no shortcut at or
// below such an element) and the keys the list uses are handled here and stopped.
//
// Model: options = [[label, number], ...], value = the selected number (or null), rows = visible rows.

const STEPS = { ArrowDown: 1, j: 1, ArrowUp: -1, k: -1 };

function render({ model, el }) {
  const select = document.createElement("select");
  select.className = "wfk-citation-select";
  select.setAttribute("data-lm-suppress-shortcuts", "true");
  select.setAttribute("aria-label", "Citations");

  function draw() {
    const options = model.get("options");
    select.replaceChildren(
      ...options.map(([label, number]) => {
        const option = document.createElement("option");
        option.textContent = label;
        option.value = String(number);
        return option;
      }),
    );
    select.size = Math.max(model.get("rows"), 2);
    const value = model.get("value");
    select.value = value === null ? "" : String(value);
  }

  function pick(number) {
    if (number !== model.get("value")) {
      model.set("value", number);
      model.save_changes();
    }
  }

  select.addEventListener("change", () => {
    if (select.value !== "") pick(Number(select.value));
  });
  select.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const options = model.get("options");
    let target;
    if (event.key in STEPS) {
      const at = options.findIndex(([, number]) => number === model.get("value"));
      target = at < 0 ? 0 : at + STEPS[event.key];
    } else if (event.key === "Home") {
      target = 0;
    } else if (event.key === "End") {
      target = options.length - 1;
    } else {
      return;
    }
    // Handled here: the select's own default would move a second time, and JupyterLab must not see it.
    event.preventDefault();
    event.stopPropagation();
    if (options.length) pick(options[Math.max(0, Math.min(options.length - 1, target))][1]);
  });

  model.on("change:options", draw);
  model.on("change:value", draw);
  model.on("change:rows", draw);
  draw();
  el.appendChild(select);
  return () => {
    model.off("change:options", draw);
    model.off("change:value", draw);
    model.off("change:rows", draw);
  };
}

export default { render };
