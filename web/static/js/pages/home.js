// home.js: the home page. The search box and its suggestions are wired by
// layout.js; nothing else here needs script.
