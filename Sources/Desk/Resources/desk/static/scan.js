// The scan field of the station, the bulk batch and the shelf audit (docs/DESK.md, "Scan station").
// The page works without this file: each form posts and the server answers with the page again.
// With it, a scan goes to the JSON API instead, its row appears at the top of the list in the
// colour of its outcome (accepted; warning: an audit's unexpected item; refused: a wrong or
// unknown code) with a short beep (high and short when accepted, low and longer otherwise), and
// the focus stays in the field for the next scan. No word lives here: the
// words come from the page (data-* attributes written from the catalogs) and from the server.
"use strict";

(function () {
    let audio = null;

    /** A short tone: accepted 880 Hz for 90 ms, otherwise 220 Hz for 300 ms. */
    function beep(accepted) {
        try {
            audio = audio || new (window.AudioContext || window.webkitAudioContext)();
            const oscillator = audio.createOscillator();
            const gain = audio.createGain();
            oscillator.type = accepted ? "sine" : "square";
            oscillator.frequency.value = accepted ? 880 : 220;
            gain.gain.value = 0.15;
            oscillator.connect(gain);
            gain.connect(audio.destination);
            const now = audio.currentTime;
            oscillator.start(now);
            oscillator.stop(now + (accepted ? 0.09 : 0.3));
        } catch (error) {
            // No sound device or no WebAudio: the colour still tells.
        }
    }

    /** The row a scan adds to the list: the code, then what became of it. */
    function addRow(list, outcome, code, text) {
        const row = document.createElement("li");
        row.className = outcome;
        const label = document.createElement("strong");
        label.textContent = code;
        row.appendChild(label);
        row.appendChild(document.createTextNode(" " + text));
        list.insertBefore(row, list.firstChild);
    }

    function wire(form) {
        const field = form.querySelector("input[name=code]");
        const list = document.getElementById(form.dataset.list);
        const status = document.getElementById(form.dataset.status);
        const token = form.querySelector("input[name=csrf]");
        if (!field || !list) { return; }
        form.addEventListener("submit", async function (event) {
            const code = field.value.trim();
            event.preventDefault();
            if (code === "") { field.focus(); return; }
            field.value = "";
            field.focus();
            let outcome = "scan-refused", text = form.dataset.offline || "";
            try {
                const response = await fetch(form.dataset.api, {
                    method: "POST",
                    credentials: "same-origin",
                    headers: {
                        "Content-Type": "application/json",
                        "Accept": "application/json",
                        "X-CSRF-Token": token ? token.value : ""
                    },
                    body: JSON.stringify({ code: code })
                });
                const body = await response.json();
                if (!response.ok) {
                    text = body.error || form.dataset.refused || "";
                } else if (body.status === "unknown") {
                    text = form.dataset.unknown || "";
                } else if (body.status === "unexpected") {
                    outcome = "scan-warning";
                    text = body.expectedAt ? (form.dataset.unexpectedAt || "").replace("{location}", body.expectedAt) : (form.dataset.unexpected || "");
                } else {
                    outcome = "scan-accepted";
                    text = form.dataset.accepted || "";
                }
            } catch (error) {
                // No answer: the offline word stays, the scan is to be repeated.
            }
            addRow(list, outcome, code, text);
            if (status) {
                status.replaceChildren();
                const label = document.createElement("strong");
                label.textContent = code;
                status.appendChild(label);
                status.appendChild(document.createTextNode(" " + text));
                status.className = "scan-status " + outcome;
            }
            beep(outcome === "scan-accepted");
        });
        field.focus();
    }

    document.querySelectorAll("form[data-scan]").forEach(wire);
})();
